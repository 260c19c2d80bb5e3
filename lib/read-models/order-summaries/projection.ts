import type { PoolClient } from 'pg';
import { assertNever } from '../../domain/shared/assert-never';
import type { OrderEventType } from '../../domain/order';
import type { ProjectionEvent } from '../../event-store';
import { toOrderEvent } from '../../order-stream';
import { orderAmountProblem } from '../order-amounts';
import { ORDER_SUMMARIES, ORDER_SUMMARIES_TABLES } from './tables';
import type { Projection } from '../../projections/types';

// One row per order for the orders list. A batch is folded in memory per
// order first, so an order with ten events in the batch costs one row write,
// and the whole batch costs at most two statements.

const EVENT_TYPES = [
  'OrderPlaced',
  'ShippingAddressChanged',
  'OrderShipped',
  'OrderCancelled',
  'OrderPriceAdjusted',
] as const satisfies readonly OrderEventType[];

const TABLE = ORDER_SUMMARIES_TABLES[1]!.orders;
const COUNTS = ORDER_SUMMARIES_TABLES[1]!.counts;

type Status = 'placed' | 'shipped' | 'cancelled';

/** What one batch does to one order. */
type OrderChange = {
  orderId: string;
  /** Set when the batch holds the order's OrderPlaced: the row is then written whole. */
  placed?: {
    customerId: string;
    currency: string;
    lineCount: number;
    itemCount: number;
    total: number;
    placedAt: string;
  };
  /** Sum of the batch's adjustments (bigint: a sum of safe integers need not be one). */
  totalDelta: bigint;
  /** The status after the batch, when the batch changed it. */
  status?: Status;
  /** The batch's last event of this order: version, position and change time come from it. */
  last: ProjectionEvent;
};

export const orderSummariesV1: Projection = {
  name: ORDER_SUMMARIES,
  version: 1,
  eventTypes: EVENT_TYPES,
  tables: [TABLE, COUNTS],
  compare: [
    { view: 'orders', table: TABLE, key: ['order_id'] },
    { view: 'order counts', table: COUNTS, key: ['status'] },
  ],
  rejects: orderAmountProblem,
  async apply(tx, events) {
    const changes = foldBatch(events);
    const placed = [...changes.values()].filter((c) => c.placed);
    const updated = [...changes.values()].filter((c) => !c.placed);
    const counts = new Map<string, number>();
    const count = (status: string, by: number) => counts.set(status, (counts.get(status) ?? 0) + by);
    for (const change of placed) count(change.status!, 1);
    await insertPlaced(tx, placed);
    for (const moved of await updateExisting(tx, updated)) {
      count(moved.from, -1);
      count(moved.to, 1);
    }
    await updateCounts(tx, counts);
    return { keys: { orders: [...changes.keys()] } };
  },
};

function foldBatch(events: ProjectionEvent[]): Map<string, OrderChange> {
  const types = new Set<string>(EVENT_TYPES);
  const changes = new Map<string, OrderChange>();
  for (const recorded of events) {
    // Event type names are only unique within a stream type.
    if (recorded.streamType !== 'order' || !types.has(recorded.type)) continue;
    const event = toOrderEvent(recorded);
    // Lower case, as PostgreSQL prints uuids, so one order is one key.
    const orderId = event.data.orderId.toLowerCase();
    const existing = changes.get(orderId);
    if (event.type === 'OrderPlaced' && existing) {
      // OrderPlaced is an order's first event; anything before it in the
      // same batch means corrupt history, and folding on would hide it.
      throw new Error(
        `${TABLE}: OrderPlaced of order ${orderId} follows its other events (position ${recorded.position})`,
      );
    }
    const change = existing ?? { orderId, totalDelta: 0n, last: recorded };
    change.last = recorded;
    changes.set(orderId, change);
    switch (event.type) {
      case 'OrderPlaced': {
        const { customerId, currency, lines, total, placedAt } = event.data;
        change.placed = {
          customerId,
          currency,
          lineCount: lines.length,
          itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
          total,
          placedAt,
        };
        change.status = 'placed';
        break;
      }
      case 'OrderShipped':
        change.status = 'shipped';
        break;
      case 'OrderCancelled':
        change.status = 'cancelled';
        break;
      case 'OrderPriceAdjusted':
        change.totalDelta += BigInt(event.data.amountDelta);
        break;
      case 'ShippingAddressChanged':
        // Not shown in the list; it still moves version and last change.
        break;
      default:
        assertNever(event, 'order event');
    }
  }
  return changes;
}

/** Orders placed in this batch: the row is complete, so it is written whole. */
async function insertPlaced(tx: PoolClient, changes: OrderChange[]) {
  if (changes.length === 0) return;
  const cols = {
    orderId: [] as string[],
    customerId: [] as string[],
    status: [] as string[],
    total: [] as string[],
    currency: [] as string[],
    lineCount: [] as number[],
    itemCount: [] as number[],
    placedAt: [] as string[],
    ...lastColumns(),
  };
  for (const change of changes) {
    const placed = change.placed!;
    cols.orderId.push(change.orderId);
    cols.customerId.push(placed.customerId);
    cols.status.push(change.status!);
    cols.total.push((BigInt(placed.total) + change.totalDelta).toString());
    cols.currency.push(placed.currency);
    cols.lineCount.push(placed.lineCount);
    cols.itemCount.push(placed.itemCount);
    cols.placedAt.push(placed.placedAt);
    pushLast(cols, change.last);
  }
  // A conflict can only be a redelivered batch, which the runtime rolls back
  // when its checkpoint compare-and-set fails; overwriting instead of failing
  // lets it get that far and report the real cause.
  await tx.query(
    `INSERT INTO ${TABLE} AS s (order_id, customer_id, status, total, currency, line_count, item_count,
                                placed_at, last_change_at, last_event_type, version, position)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::int[],
                          $8::timestamptz[], $9::timestamptz[], $10::text[], $11::int[], $12::text[])
     ON CONFLICT (order_id) DO UPDATE SET
       customer_id = excluded.customer_id, status = excluded.status, total = excluded.total,
       currency = excluded.currency, line_count = excluded.line_count, item_count = excluded.item_count,
       placed_at = excluded.placed_at, last_change_at = excluded.last_change_at,
       last_event_type = excluded.last_event_type, version = excluded.version, position = excluded.position`,
    [
      cols.orderId,
      cols.customerId,
      cols.status,
      cols.total,
      cols.currency,
      cols.lineCount,
      cols.itemCount,
      cols.placedAt,
      cols.lastChangeAt,
      cols.lastEventType,
      cols.version,
      cols.position,
    ],
  );
}

/** Orders placed in an earlier batch: apply the batch's net change to the stored row. */
async function updateExisting(tx: PoolClient, changes: OrderChange[]): Promise<Array<{ from: string; to: string }>> {
  if (changes.length === 0) return [];
  const cols = {
    orderId: [] as string[],
    totalDelta: [] as string[],
    status: [] as (string | null)[],
    ...lastColumns(),
  };
  for (const change of changes) {
    cols.orderId.push(change.orderId);
    cols.totalDelta.push(change.totalDelta.toString());
    cols.status.push(change.status ?? null);
    pushLast(cols, change.last);
  }
  // int + bigint is bigint; assigning it back to the int column fails loudly
  // on overflow instead of wrapping. The ANY is the join condition again, on
  // purpose: given only the join, the planner hashes the unnest and reads the
  // whole table for a few thousand rows (EXPLAIN during a rebuild: a seq scan
  // of every order for each catch-up batch, so batches slow down as the table
  // grows); with it, it fetches just those rows through the primary key.
  // RETURNING old.status (PostgreSQL 18) says which counts the batch moves.
  const { rows } = await tx.query<{ order_id: string; old_status: string; new_status: string }>(
    `UPDATE ${TABLE} AS s SET
       total = s.total + t.total_delta,
       status = coalesce(t.status, s.status),
       last_change_at = t.last_change_at, last_event_type = t.last_event_type,
       version = t.version, position = t.position
     FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::text[])
          AS t(order_id, total_delta, status, last_change_at, last_event_type, version, position)
     WHERE s.order_id = t.order_id AND s.order_id = ANY($1::uuid[])
     RETURNING s.order_id, old.status AS old_status, new.status AS new_status`,
    [cols.orderId, cols.totalDelta, cols.status, cols.lastChangeAt, cols.lastEventType, cols.version, cols.position],
  );
  if (rows.length !== changes.length) {
    // Skipping would leave the row wrong forever; failing stops the
    // projection visibly at this batch (the runtime retries, then parks it).
    const found = new Set(rows.map((r) => r.order_id));
    const missing = changes.map((c) => c.orderId).filter((id) => !found.has(id));
    throw new Error(`${TABLE}: events for orders never placed: ${missing.join(', ')}`);
  }
  return rows.filter((r) => r.old_status !== r.new_status).map((r) => ({ from: r.old_status, to: r.new_status }));
}

/** Adds the batch's net change per status to the counts (one statement; statuses it left alone are not touched). */
async function updateCounts(tx: PoolClient, counts: Map<string, number>) {
  const changed = [...counts].filter(([, by]) => by !== 0);
  if (changed.length === 0) return;
  await tx.query(
    `INSERT INTO ${COUNTS} AS c (status, orders)
     SELECT * FROM unnest($1::text[], $2::int[])
     ON CONFLICT (status) DO UPDATE SET orders = c.orders + excluded.orders`,
    [changed.map(([status]) => status), changed.map(([, by]) => by)],
  );
}

function lastColumns() {
  return {
    lastChangeAt: [] as string[],
    lastEventType: [] as string[],
    version: [] as number[],
    position: [] as string[],
  };
}

function pushLast(cols: ReturnType<typeof lastColumns>, last: ProjectionEvent) {
  cols.lastChangeAt.push(last.occurredAt.toISOString());
  cols.lastEventType.push(last.type);
  cols.version.push(last.version);
  cols.position.push(last.position);
}
