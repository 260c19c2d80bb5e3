import 'server-only';
import { z } from 'zod';
import { param, wholeNumber } from './query-params';
import { formatMoney } from '@/components/format/money';
import type pg from 'pg';
import { rowsOf } from '../db/rows';
import { cancelReasonLabel, ORDER_EVENT_TYPES, type OrderEvent } from '../domain/order';
import { formatPosition } from '../event-store/position';
import type { JsonObject } from '../event-store/types';
import { orderEventOrNull, upcastStoredOrderEvent } from '../order-stream';
import { Prisma } from '../generated/prisma/client';

// The dashboard's event feed: the newest order events straight from the log,
// so, unlike the metrics (lib/read-models/order-metrics), it does not trail
// the projections.

// ---------------------------------------------------------------------------
// Query parameters

export const RECENT_EVENTS_DEFAULT = 20;
export const RECENT_EVENTS_MAX = 100;

export const recentEventsQuerySchema = z.object({ limit: param(wholeNumber('Limit', 1, RECENT_EVENTS_MAX)) });

export type RecentEventsQuery = z.output<typeof recentEventsQuerySchema>;

// ---------------------------------------------------------------------------
// Recent events

export type RecentEvent = {
  position: string;
  type: string;
  streamId: string;
  orderId: string;
  occurredAt: string;
  /** The event's version in its order's stream: where the audit timeline opens. */
  version: number;
  /** Who issued the command; null for events written before actors were recorded. */
  actor: string | null;
  /** One short sentence for people, e.g. "Order placed: 3 items, €42.10". */
  summary: string;
};

type RecentEventRecord = {
  transaction_id: string;
  global_position: string;
  event_type: string;
  stream_id: string;
  schema_version: number;
  data: JsonObject;
  occurred_at: Date;
  stream_version: number;
  actor: string | null;
  currency: string | null;
};

const STREAM_PREFIX = 'order-';

/**
 * Newest first in log order, (transaction_id, global_position) descending:
 * the order readers and projections use, served backwards by the events
 * (transaction_id, global_position) index, so a page reads about `limit` rows.
 * Only order events (the only stream type today, but the log is shared).
 * Amounts other than the placed total carry no currency of their own; it comes
 * from the stream's first event (OrderPlaced), one probe of the
 * (stream_id, stream_version) unique index per row.
 */
export async function listRecentEvents(pool: pg.Pool, query: RecentEventsQuery): Promise<{ events: RecentEvent[] }> {
  const limit = query.limit ?? RECENT_EVENTS_DEFAULT;
  const rows = await rowsOf<RecentEventRecord>(
    pool,
    Prisma.sql`
    SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position, e.event_type,
           e.stream_id, e.schema_version, e.data, e.occurred_at, e.stream_version, e.metadata->'actor'->>'name' AS actor,
           p.data->>'currency' AS currency
      FROM events e
      LEFT JOIN events p ON p.stream_id = e.stream_id AND p.stream_version = 1
     WHERE e.stream_type = 'order' AND e.event_type IN (${Prisma.join([...ORDER_EVENT_TYPES])})
     ORDER BY e.transaction_id DESC, e.global_position DESC
     LIMIT ${limit}::int`,
  );
  return {
    events: rows.map((row) => ({
      position: formatPosition({
        transactionId: BigInt(row.transaction_id),
        globalPosition: BigInt(row.global_position),
      }),
      type: row.event_type,
      streamId: row.stream_id,
      orderId: row.stream_id.startsWith(STREAM_PREFIX) ? row.stream_id.slice(STREAM_PREFIX.length) : row.stream_id,
      occurredAt: row.occurred_at.toISOString(),
      version: row.stream_version,
      actor: row.actor,
      summary: summaryOf(row),
    })),
  };
}

/** The row read as its current shape (SQL reads the stored one), or no summary for a shape this code cannot read. */
function summaryOf(row: RecentEventRecord): string {
  const event = orderEventOrNull({
    type: row.event_type,
    ...upcastStoredOrderEvent(row.event_type, row.schema_version, row.data),
  });
  return event ? summarize(event, row.currency ?? 'EUR') : '';
}

export function summarize(event: OrderEvent, currency: string): string {
  const money = (minor: number, signed = false) => formatMoney(minor, currency, { signed });
  switch (event.type) {
    case 'OrderPlaced': {
      const items = event.data.lines.reduce((n, line) => n + line.quantity, 0);
      return `Order placed: ${items} ${items === 1 ? 'item' : 'items'}, ${formatMoney(event.data.total, event.data.currency)}`;
    }
    case 'OrderShipped':
      return 'Order shipped';
    case 'OrderCancelled':
      return `Order cancelled: ${money(event.data.amount)} (${cancelReasonLabel(event.data.reasonCode)}: ${event.data.reason})`;
    case 'OrderPriceAdjusted':
      return `Price adjusted by ${money(event.data.amountDelta, true)} to ${money(event.data.newTotal)}: ${event.data.reason}`;
    case 'ShippingAddressChanged':
      return `Shipping address changed to ${event.data.address.city}, ${event.data.address.country}`;
    default: {
      // Filtered in SQL to ORDER_EVENT_TYPES; a newer type still gets a line rather than a 500.
      const unknown: never = event;
      return `Event ${(unknown as { type: string }).type}`;
    }
  }
}
