import {
  CANCEL_REASON_NOT_RECORDED,
  ORDER_EVENT_TYPES,
  foldHistory,
  type FoldedHistory,
  type OrderEvent,
  type OrderEventType,
} from '../domain/order';
import { createUpcasting, type EventSchema } from '../event-store/upcasting';
import type { JsonObject, NewEvent } from '../event-store/types';

// The order stream, in one place: its id and type, the schema version each
// event type is written with, the upcasters that bring older stored shapes to
// it, and the one way a stored event becomes a domain event. Pure (the
// browser's order history uses it too).

export const ORDER_STREAM_TYPE = 'order';
export const orderStreamId = (orderId: string) => `order-${orderId}`;
export const orderIdOf = (streamId: string) => streamId.slice('order-'.length);

export const ORDER_EVENT_SCHEMA = {
  streamType: ORDER_STREAM_TYPE,
  current: {
    OrderPlaced: 1,
    ShippingAddressChanged: 1,
    OrderShipped: 1,
    // v2: reasonCode, chosen when cancelling.
    OrderCancelled: 2,
    OrderPriceAdjusted: 1,
  } satisfies Record<OrderEventType, number>,
  upcasters: [
    // Nobody chose a code before there were codes; the free-text reason stays.
    { eventType: 'OrderCancelled', from: 1, up: (data) => ({ ...data, reasonCode: CANCEL_REASON_NOT_RECORDED }) },
  ],
} as const satisfies EventSchema;

const upcasting = createUpcasting([ORDER_EVENT_SCHEMA]);

/**
 * For readers that hold rows, not events (SQL feeds): the data of a stored
 * order event in its current shape, as the store's reads give it.
 */
export function upcastStoredOrderEvent(type: string, schemaVersion: number, data: JsonObject) {
  return upcasting.upcastData(ORDER_STREAM_TYPE, type, schemaVersion, data);
}

/** A stored event that this code cannot read as an order event. */
export class OrderEventShapeError extends Error {
  override readonly name = 'OrderEventShapeError';
}

const TYPES = new Set<string>(ORDER_EVENT_TYPES);

/**
 * A read event (already upcast by the store) as the domain's OrderEvent.
 * Throws when its type is not an order event's or its shape is not the
 * current one (no upcaster reached it: the census names such events).
 */
export function toOrderEvent(event: { type: string; schemaVersion: number; data: unknown }): OrderEvent {
  if (!TYPES.has(event.type)) throw new OrderEventShapeError(`'${event.type}' is not an order event type`);
  const current = ORDER_EVENT_SCHEMA.current[event.type as OrderEventType];
  if (event.schemaVersion !== current) {
    throw new OrderEventShapeError(
      `${event.type} is stored at schema version ${event.schemaVersion}, and nothing upcasts it to v${current}`,
    );
  }
  return { type: event.type, data: event.data } as OrderEvent;
}

/** toOrderEvent, or null for an event this code cannot read: for views that show the rest anyway. */
export function orderEventOrNull(event: { type: string; schemaVersion: number; data: unknown }): OrderEvent | null {
  try {
    return toOrderEvent(event);
  } catch (error) {
    if (error instanceof OrderEventShapeError) return null;
    throw error;
  }
}

/** An order event to append, stamped with its type's current schema version. */
export function toNewEvent(event: OrderEvent, metadata: NewEvent['metadata'], occurredAt: Date): NewEvent {
  return {
    type: event.type,
    data: event.data as unknown as JsonObject,
    schemaVersion: ORDER_EVENT_SCHEMA.current[event.type],
    metadata,
    occurredAt,
  };
}

/** The order from its stream's events (version order), as far as its history holds together (see foldHistory). */
export function foldOrderStream(
  events: ReadonlyArray<{ type: string; schemaVersion: number; data: unknown; version: number }>,
): FoldedHistory {
  return foldHistory(events.map((event) => ({ event: toOrderEvent(event), version: event.version })));
}
