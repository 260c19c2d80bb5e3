import type pg from 'pg';
import { evolve, initialState, type ExistingOrder, type OrderState } from '../../lib/domain/order';
import type { JsonObject } from '../../lib/event-store';
import { toOrderEvent, upcastStoredOrderEvent } from '../../lib/order-stream';

// The expected read models, computed the plain way: replay every order with
// the domain's evolve, then derive each table from the final states and the
// raw events. Nothing here is shared with lib/projections, so a bug there
// cannot hide by being repeated here.

/** An order event as the events table holds it. */
export type FoldEvent = {
  globalPosition: string;
  transactionId: string;
  streamId: string;
  version: number;
  type: string;
  /** Upcast to its type's current shape, as every reader of the app sees it. */
  schemaVersion: number;
  data: Record<string, unknown>;
  occurredAt: Date;
  /** The millisecond its row was recorded in: recorded_at read as text (microseconds) and cut, never rounded up. */
  recordedMs: number;
};

/**
 * Order events of the given orders (every order when none are given), in
 * global position order (which keeps each stream's version order).
 */
export async function loadOrderEvents(pool: pg.Pool, orderIds?: readonly string[]): Promise<FoldEvent[]> {
  const { rows } = await pool.query<{
    global_position: string;
    transaction_id: string;
    stream_id: string;
    stream_version: number;
    event_type: string;
    schema_version: number;
    data: JsonObject;
    occurred_at: Date;
    recorded: string;
  }>(
    `SELECT global_position::text, transaction_id::text, stream_id, stream_version, event_type, schema_version, data, occurred_at,
            to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS recorded
       FROM events
      WHERE stream_type = 'order' AND ($1::text[] IS NULL OR stream_id = ANY($1::text[]))
      ORDER BY events.global_position`,
    // ORDER BY is qualified: a bare global_position would sort the text column of the SELECT list.
    [orderIds ? orderIds.map((id) => `order-${id}`) : null],
  );
  return rows.map((r) => ({
    globalPosition: r.global_position,
    transactionId: r.transaction_id,
    streamId: r.stream_id,
    version: r.stream_version,
    type: r.event_type,
    ...upcastStoredOrderEvent(r.event_type, r.schema_version, r.data),
    occurredAt: r.occurred_at,
    // "2026-11-26T16:41:27.123456" → the millisecond 16:41:27.123, by cutting the text.
    recordedMs: Date.parse(`${r.recorded.slice(0, 23)}Z`),
  }));
}

// Row shapes are those node-postgres returns for the tables: int → number,
// bigint → string, timestamptz → Date, uuid → lower-case string.

export type OrderSummaryRow = {
  order_id: string;
  customer_id: string;
  status: string;
  total: number;
  currency: string;
  line_count: number;
  item_count: number;
  placed_at: Date;
  last_change_at: Date;
  last_event_type: string;
  version: number;
  position: string;
};

export type CustomerStatsRow = {
  customer_id: string;
  total_orders: number;
  total_spent: string;
  cancelled_orders: number;
  cancelled_amount: string;
  last_order_at: Date | null;
  updated_at: Date;
};

export type MinuteRow = { minute: Date; orders_placed: number; orders_cancelled: number; revenue: string };

export type StatusCounts = { placed: number; shipped: number; cancelled: number };

export type Fold = {
  orderSummaries: OrderSummaryRow[];
  customerStats: CustomerStatsRow[];
  /** customer_stats' own lookup table. */
  customerOrders: { order_id: string; customer_id: string }[];
  minutes: MinuteRow[];
  statusCounts: StatusCounts;
};

const byKey =
  <T>(key: (row: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export function fold(events: readonly FoldEvent[]): Fold {
  const states = new Map<string, OrderState>();
  const lastEvent = new Map<string, FoldEvent>();
  for (const e of events) {
    const previous = states.get(e.streamId) ?? initialState();
    states.set(e.streamId, evolve(previous, toOrderEvent(e)));
    lastEvent.set(e.streamId, e);
  }
  const orders = [...states].map(([streamId, state]) => ({
    state: state as ExistingOrder,
    last: lastEvent.get(streamId)!,
  }));

  const orderSummaries = orders
    .map(({ state, last }) => ({
      order_id: state.orderId,
      customer_id: state.customerId,
      status: state.status,
      total: state.total,
      currency: state.currency,
      line_count: state.lines.length,
      item_count: state.lines.reduce((n, l) => n + l.quantity, 0),
      placed_at: new Date(state.placedAt),
      last_change_at: last.occurredAt,
      last_event_type: last.type,
      version: last.version,
      position: `${last.transactionId}:${last.globalPosition}`,
    }))
    .sort(byKey((r) => r.order_id));

  // Customer stats straight from the final states: an order counts unless it
  // was cancelled; a cancelled one counts its total at cancellation, which is
  // its final total (no adjustment is accepted after a cancel).
  type Stats = {
    orders: number;
    spent: bigint;
    cancelled: number;
    cancelledAmount: bigint;
    lastOrderAt: number;
    updatedAt: number;
  };
  const customers = new Map<string, Stats>();
  for (const { state } of orders) {
    const s = customers.get(state.customerId) ?? {
      orders: 0,
      spent: 0n,
      cancelled: 0,
      cancelledAmount: 0n,
      lastOrderAt: 0,
      updatedAt: 0,
    };
    if (state.status === 'cancelled') {
      s.cancelled += 1;
      s.cancelledAmount += BigInt(state.total);
    } else {
      s.orders += 1;
      s.spent += BigInt(state.total);
    }
    s.lastOrderAt = Math.max(s.lastOrderAt, Date.parse(state.placedAt));
    customers.set(state.customerId, s);
  }
  const customerOfStream = new Map(orders.map(({ state }) => [`order-${state.orderId}`, state.customerId]));
  for (const e of events) {
    if (e.type === 'OrderPlaced' || e.type === 'OrderCancelled' || e.type === 'OrderPriceAdjusted') {
      const s = customers.get(customerOfStream.get(e.streamId)!)!;
      s.updatedAt = Math.max(s.updatedAt, e.occurredAt.getTime());
    }
  }
  const customerStats = [...customers]
    .map(([customerId, s]) => ({
      customer_id: customerId,
      total_orders: s.orders,
      total_spent: s.spent.toString(),
      cancelled_orders: s.cancelled,
      cancelled_amount: s.cancelledAmount.toString(),
      last_order_at: new Date(s.lastOrderAt),
      updated_at: new Date(s.updatedAt),
    }))
    .sort(byKey((r) => r.customer_id));

  const customerOrders = orders
    .map(({ state }) => ({ order_id: state.orderId, customer_id: state.customerId }))
    .sort(byKey((r) => r.order_id));

  // Minutes via ISO strings cut at the seconds, a different route from the
  // projection's arithmetic on epoch milliseconds.
  const minutes = new Map<string, { placed: number; cancelled: number; revenue: bigint }>();
  for (const e of events) {
    if (e.type !== 'OrderPlaced' && e.type !== 'OrderCancelled' && e.type !== 'OrderPriceAdjusted') continue;
    const key = `${e.occurredAt.toISOString().slice(0, 16)}:00.000Z`;
    const m = minutes.get(key) ?? { placed: 0, cancelled: 0, revenue: 0n };
    if (e.type === 'OrderPlaced') {
      m.placed += 1;
      m.revenue += BigInt(e.data.total as number);
    } else if (e.type === 'OrderCancelled') {
      m.cancelled += 1;
      m.revenue -= BigInt(e.data.amount as number);
    } else {
      m.revenue += BigInt(e.data.amountDelta as number);
    }
    minutes.set(key, m);
  }
  const minuteRows = [...minutes]
    .map(([key, m]) => ({
      minute: new Date(key),
      orders_placed: m.placed,
      orders_cancelled: m.cancelled,
      revenue: m.revenue.toString(),
    }))
    .sort(byKey((r) => r.minute.toISOString()));

  const statusCounts: StatusCounts = { placed: 0, shipped: 0, cancelled: 0 };
  for (const { state } of orders) statusCounts[state.status] += 1;

  return { orderSummaries, customerStats, customerOrders, minutes: minuteRows, statusCounts };
}

export type CancelReasonRow = { reason_code: string; orders: number; amount: string };

/**
 * Cancellations by reason code (order_metrics v2), from the final states:
 * each cancelled order counts once, under the code of its OrderCancelled, for
 * its final total (no adjustment is accepted after a cancel). Codes no order
 * was cancelled for have no row.
 */
export function foldCancelReasons(events: readonly FoldEvent[]): CancelReasonRow[] {
  const states = new Map<string, OrderState>();
  const codeOf = new Map<string, string>();
  for (const e of events) {
    states.set(e.streamId, evolve(states.get(e.streamId) ?? initialState(), toOrderEvent(e)));
    if (e.type === 'OrderCancelled') codeOf.set(e.streamId, e.data.reasonCode as string);
  }
  const reasons = new Map<string, { orders: number; amount: bigint }>();
  for (const [streamId, state] of states) {
    if (state.status !== 'cancelled') continue;
    const code = codeOf.get(streamId)!;
    const r = reasons.get(code) ?? { orders: 0, amount: 0n };
    r.orders += 1;
    r.amount += BigInt(state.total);
    reasons.set(code, r);
  }
  return [...reasons]
    .map(([code, r]) => ({ reason_code: code, orders: r.orders, amount: r.amount.toString() }))
    .sort(byKey((r) => r.reason_code));
}

// ---------------------------------------------------------------------------
// The projections' rows in the fold's shapes, from the tables of `{schema}`.

/** Runs SQL with `{schema}` replaced by the schema holding the projection tables. */
export type Tables = { rows<T>(sql: string): Promise<T[]> };

/** The projection tables in the public schema of `pool`'s database. */
export const publicTables = (pool: pg.Pool): Tables => ({
  rows: async <T>(sql: string) => (await pool.query(sql.replaceAll('{schema}', 'public'))).rows as T[],
});

export const readSummaries = (box: Tables) =>
  box.rows<OrderSummaryRow>(
    `SELECT order_id, customer_id, status, total::float8 AS total, currency, line_count, item_count, placed_at, last_change_at,
            last_event_type, version, position FROM {schema}.order_summaries_v1 ORDER BY order_id`,
  );
export const readCustomerStats = (box: Tables) =>
  box.rows<CustomerStatsRow>(
    `SELECT customer_id, total_orders, total_spent::text, cancelled_orders, cancelled_amount::text, last_order_at, updated_at
       FROM {schema}.customer_stats_v1 ORDER BY customer_id`,
  );
export const readCustomerOrders = (box: Tables) =>
  box.rows<{ order_id: string; customer_id: string }>(
    'SELECT order_id, customer_id FROM {schema}.customer_stats_orders_v1 ORDER BY order_id',
  );
export const readMinutes = (box: Tables, table = 'order_metrics_minute_v1') =>
  box.rows<MinuteRow>(
    `SELECT minute, orders_placed, orders_cancelled, revenue::text FROM {schema}.${table} ORDER BY minute`,
  );
/** A status no batch has touched has no row yet: that reads as 0. */
export async function readStatusCounts(box: Tables, table = 'order_status_counts_v1'): Promise<StatusCounts> {
  const rows = await box.rows<{ status: keyof StatusCounts; orders: number }>(
    `SELECT status, orders FROM {schema}.${table}`,
  );
  const counts: StatusCounts = { placed: 0, shipped: 0, cancelled: 0 };
  for (const row of rows) counts[row.status] = row.orders;
  return counts;
}

/** Every projection's rows, to compare with fold() whole. */
export async function readProjected(box: Tables): Promise<Fold> {
  return {
    orderSummaries: await readSummaries(box),
    customerStats: await readCustomerStats(box),
    customerOrders: await readCustomerOrders(box),
    minutes: await readMinutes(box),
    statusCounts: await readStatusCounts(box),
  };
}

/** order_metrics v2's cancellations by reason, in the fold's order. */
export const readCancelReasons = (box: Tables) =>
  box.rows<CancelReasonRow>(
    'SELECT reason_code, orders, amount::text FROM {schema}.order_cancel_reasons_v2 ORDER BY reason_code COLLATE "C"',
  );
