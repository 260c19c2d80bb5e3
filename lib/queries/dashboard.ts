import 'server-only';
import { z } from 'zod';
import { param, wholeNumber } from './query-params';
import { formatMoney } from '@/components/format/money';
import type { Db } from '../db/prisma';
import { cancelReasonLabel, ORDER_EVENT_TYPES, type OrderEvent } from '../domain/order';
import { formatPosition } from '../event-store/position';
import type { JsonObject } from '../event-store/types';
import { orderEventOrNull, upcastStoredOrderEvent } from '../order-stream';
import { Prisma } from '../generated/prisma/client';

// Reads for the dashboard: the order_metrics projection (order_metrics_minute_v1,
// order_status_counts_v1) and the newest order events straight from the log.
// The metrics trail the log by whatever the projection has not applied yet;
// the event feed does not (it reads the log itself).

// ---------------------------------------------------------------------------
// Query parameters

export const METRICS_MINUTES_DEFAULT = 60;
export const METRICS_MINUTES_MAX = 1440;
export const RECENT_EVENTS_DEFAULT = 20;
export const RECENT_EVENTS_MAX = 100;

export const metricsQuerySchema = z.object({ minutes: param(wholeNumber('Minutes', 1, METRICS_MINUTES_MAX)) });
export const recentEventsQuerySchema = z.object({ limit: param(wholeNumber('Limit', 1, RECENT_EVENTS_MAX)) });

export type MetricsQuery = z.output<typeof metricsQuerySchema>;
export type RecentEventsQuery = z.output<typeof recentEventsQuerySchema>;

// ---------------------------------------------------------------------------
// Metrics

export type MinuteMetrics = {
  /** Start of the UTC minute, ISO 8601. */
  minute: string;
  ordersPlaced: number;
  ordersCancelled: number;
  /** Minor units: placed totals + adjustments − cancelled amounts in that minute. */
  revenue: number;
};

export type StatusCounts = { placed: number; shipped: number; cancelled: number };

export type DashboardMetrics = {
  /** Oldest first, one entry per minute (zeros where nothing happened), the current minute last. */
  minutes: MinuteMetrics[];
  /** Orders in each status now (all time, not only the window). */
  statusCounts: StatusCounts;
  /** Sums over `minutes`: orders placed and net revenue in the window. */
  totals: { orders: number; revenue: number };
};

type Int = number | bigint;

/**
 * The last `minutes` UTC minutes up to and including the current one, by the
 * database's clock (the same clock that stamps events when commands carry no
 * time). generate_series fills the minutes the projection has no row for;
 * the rows themselves come from order_metrics_minute_v1's primary key, so a
 * day's window reads at most 1,440 rows however long the table grows.
 */
export async function getDashboardMetrics(db: Db, query: MetricsQuery): Promise<DashboardMetrics> {
  const count = query.minutes ?? METRICS_MINUTES_DEFAULT;
  const [rows, statuses] = await Promise.all([
    db.$queryRaw<{ minute: Date; orders_placed: Int; orders_cancelled: Int; revenue: Int }[]>`
      WITH bounds AS (SELECT date_trunc('minute', now(), 'UTC') AS last)
      SELECT g.minute, coalesce(m.orders_placed, 0) AS orders_placed,
             coalesce(m.orders_cancelled, 0) AS orders_cancelled, coalesce(m.revenue, 0::bigint) AS revenue
        FROM bounds,
             generate_series(bounds.last - make_interval(mins => ${count - 1}::int), bounds.last, interval '1 minute') AS g(minute)
        LEFT JOIN order_metrics_minute_v1 m ON m.minute = g.minute
       ORDER BY g.minute`,
    db.$queryRaw<{ status: string; orders: Int }[]>`SELECT status, orders FROM order_status_counts_v1`,
  ]);

  const minutes = rows.map((row) => ({
    minute: row.minute.toISOString(),
    ordersPlaced: toNumber(row.orders_placed),
    ordersCancelled: toNumber(row.orders_cancelled),
    revenue: toNumber(row.revenue),
  }));
  const statusCounts: StatusCounts = { placed: 0, shipped: 0, cancelled: 0 };
  for (const row of statuses) {
    if (row.status in statusCounts) statusCounts[row.status as keyof StatusCounts] = toNumber(row.orders);
  }
  const totals = minutes.reduce(
    (sum, m) => ({ orders: sum.orders + m.ordersPlaced, revenue: sum.revenue + m.revenue }),
    { orders: 0, revenue: 0 },
  );
  return { minutes, statusCounts, totals };
}

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
export async function listRecentEvents(db: Db, query: RecentEventsQuery): Promise<{ events: RecentEvent[] }> {
  const limit = query.limit ?? RECENT_EVENTS_DEFAULT;
  const rows = await db.$queryRaw<RecentEventRecord[]>`
    SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position, e.event_type,
           e.stream_id, e.schema_version, e.data, e.occurred_at, e.stream_version, e.metadata->'actor'->>'name' AS actor,
           p.data->>'currency' AS currency
      FROM events e
      LEFT JOIN events p ON p.stream_id = e.stream_id AND p.stream_version = 1
     WHERE e.stream_type = 'order' AND e.event_type IN (${Prisma.join([...ORDER_EVENT_TYPES])})
     ORDER BY e.transaction_id DESC, e.global_position DESC
     LIMIT ${limit}::int`;
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

/** As in read-models.ts: BIGINT and sums arrive as bigint, which JSON cannot hold. */
function toNumber(value: Int): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`read model value ${value} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}
