import { ORDER_EVENT_SCHEMA } from '../../lib/order-stream';
import type { AuditSourceEvent } from '../../lib/audit';
import type { OrderEvent } from '../../lib/domain/order';
import type { JsonObject } from '../../lib/event-store/types';
import {
  PLACED_TOTAL,
  address,
  addressChanged,
  orderCancelled,
  orderPlaced,
  otherAddress,
  priceAdjusted,
} from './order-fixtures';

/** Recorded one minute apart from this moment on; occurredAt a second before each. */
export const T0 = Date.parse('2025-03-01T09:00:00.000Z');
export const recordedAt = (version: number) => new Date(T0 + (version - 1) * 60_000);

export const ACTOR = { id: 'user-clerk', name: 'Clara Clerk' };

/** Domain events as the store returns them: versions from 1, times, metadata, a fake chain. */
export function recorded(
  events: OrderEvent[],
  metadata: (version: number) => AuditSourceEvent['metadata'] = (version) => ({
    commandId: `cmd-${version}`,
    commandType: 'Test',
    correlationId: `corr-${version}`,
    causationId: `cause-${version}`,
    actor: ACTOR,
  }),
): AuditSourceEvent[] {
  return events.map((event, index) => {
    const version = index + 1;
    return {
      version,
      type: event.type,
      schemaVersion: ORDER_EVENT_SCHEMA.current[event.type],
      data: event.data as unknown as JsonObject,
      metadata: metadata(version),
      occurredAt: new Date(recordedAt(version).getTime() - 1_000),
      recordedAt: recordedAt(version),
      position: `100:${version}`,
      hash: `hash-${version}`,
      prevHash: version === 1 ? '0'.repeat(64) : `hash-${version - 1}`,
    };
  });
}

export const ADJUSTMENT = 70;

/** Placed → re-addressed → price adjusted (+€0.70) → cancelled: every compensating kind once. */
export const history: OrderEvent[] = [
  orderPlaced,
  addressChanged(otherAddress, address),
  priceAdjusted(ADJUSTMENT, 'Express shipping', PLACED_TOTAL),
  orderCancelled('Customer changed their mind', PLACED_TOTAL + ADJUSTMENT),
];
