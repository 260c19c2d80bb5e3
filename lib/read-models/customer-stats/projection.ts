import type { PoolClient } from 'pg';
import type { OrderEventType } from '../../domain/order';
import { toOrderEvent } from '../../order-stream';
import { orderAmountProblem } from '../order-amounts';
import { CUSTOMER_STATS, CUSTOMER_STATS_TABLES } from './tables';
import type { Projection } from '../../projections/types';

// Per-customer totals. A cancellation takes the order back out of
// total_orders and total_spent (as the article's handler does) and counts it
// under cancelled_*. Cancel and adjust events carry no customer id, so the
// projection keeps its own order → customer table, filled from OrderPlaced:
// reading another projection's tables would tie this one's correctness to
// that one's progress and version.

const EVENT_TYPES = [
  'OrderPlaced',
  'OrderCancelled',
  'OrderPriceAdjusted',
] as const satisfies readonly OrderEventType[];

const { stats: STATS, orders: ORDERS } = CUSTOMER_STATS_TABLES[1]!;

/** What one batch adds to one customer's row. */
type CustomerChange = {
  totalOrders: number;
  totalSpent: bigint;
  cancelledOrders: number;
  cancelledAmount: bigint;
  /** Epoch ms; null when the batch placed no order for the customer. */
  lastOrderAt: number | null;
  updatedAt: number;
};

export const customerStatsV1: Projection = {
  name: CUSTOMER_STATS,
  version: 1,
  eventTypes: EVENT_TYPES,
  tables: [STATS, ORDERS],
  compare: [
    { view: 'customers', table: STATS, key: ['customer_id'] },
    { view: 'orders', table: ORDERS, key: ['order_id'] },
  ],
  rejects: orderAmountProblem,
  async apply(tx, events) {
    const types = new Set<string>(EVENT_TYPES);
    const relevant = events
      .filter((e) => e.streamType === 'order' && types.has(e.type))
      .map((recorded) => {
        const event = toOrderEvent(recorded);
        // Lower case, as PostgreSQL prints uuids: an id the API accepted in
        // upper case must not become a second key for the same row.
        return { recorded, event, orderId: event.data.orderId.toLowerCase() };
      });

    const placedHere = new Map<string, string>();
    for (const { event, orderId } of relevant) {
      if (event.type === 'OrderPlaced') placedHere.set(orderId, event.data.customerId.toLowerCase());
    }
    const customerOf = await lookUpCustomers(
      tx,
      relevant.map(({ orderId }) => orderId).filter((id) => !placedHere.has(id)),
    );
    for (const [orderId, customerId] of placedHere) customerOf.set(orderId, customerId);
    await rememberOrders(tx, placedHere);

    const changes = new Map<string, CustomerChange>();
    for (const { recorded, event, orderId } of relevant) {
      const customerId = customerOf.get(orderId)!;
      let change = changes.get(customerId);
      if (!change) {
        change = {
          totalOrders: 0,
          totalSpent: 0n,
          cancelledOrders: 0,
          cancelledAmount: 0n,
          lastOrderAt: null,
          updatedAt: 0,
        };
        changes.set(customerId, change);
      }
      // Maxima rather than "last applied": they do not depend on how events of
      // different orders interleave, so a rebuild always gives the same row.
      change.updatedAt = Math.max(change.updatedAt, recorded.occurredAt.getTime());
      switch (event.type) {
        case 'OrderPlaced':
          change.totalOrders += 1;
          change.totalSpent += BigInt(event.data.total);
          change.lastOrderAt = Math.max(change.lastOrderAt ?? -Infinity, Date.parse(event.data.placedAt));
          break;
        case 'OrderCancelled':
          // `amount` is the total at cancellation, adjustments included, so
          // placed + adjustments − amount leaves nothing of the order behind.
          change.totalOrders -= 1;
          change.totalSpent -= BigInt(event.data.amount);
          change.cancelledOrders += 1;
          change.cancelledAmount += BigInt(event.data.amount);
          break;
        case 'OrderPriceAdjusted':
          change.totalSpent += BigInt(event.data.amountDelta);
          break;
        default:
          // Only the types filtered in above reach this switch.
          throw new Error(`${STATS}: unexpected event ${event.type}`);
      }
    }
    await upsertStats(tx, changes);
    return { keys: { customers: [...changes.keys()] } };
  },
};

/** Customers of orders placed in earlier batches, in one round trip. */
async function lookUpCustomers(tx: PoolClient, orderIds: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(orderIds)];
  if (wanted.length === 0) return new Map();
  const { rows } = await tx.query<{ order_id: string; customer_id: string }>(
    `SELECT order_id, customer_id FROM ${ORDERS} WHERE order_id = ANY($1::uuid[])`,
    [wanted],
  );
  const found = new Map(rows.map((r) => [r.order_id, r.customer_id]));
  const missing = wanted.filter((id) => !found.has(id));
  // An event that cannot be attributed must stop the projection, not vanish.
  if (missing.length > 0) throw new Error(`${STATS}: events for orders never placed: ${missing.join(', ')}`);
  return found;
}

async function rememberOrders(tx: PoolClient, placed: Map<string, string>) {
  if (placed.size === 0) return;
  // DO NOTHING: a conflict is a redelivered batch, which the runtime's
  // checkpoint compare-and-set rolls back anyway.
  await tx.query(
    `INSERT INTO ${ORDERS} (order_id, customer_id)
     SELECT * FROM unnest($1::uuid[], $2::uuid[])
     ON CONFLICT (order_id) DO NOTHING`,
    [[...placed.keys()], [...placed.values()]],
  );
}

async function upsertStats(tx: PoolClient, changes: Map<string, CustomerChange>) {
  if (changes.size === 0) return;
  const rows = [...changes];
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  // GREATEST ignores NULL, so a batch that placed nothing keeps last_order_at.
  await tx.query(
    `INSERT INTO ${STATS} AS c (customer_id, total_orders, total_spent, cancelled_orders, cancelled_amount,
                                last_order_at, updated_at)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::int[], $5::bigint[],
                          $6::timestamptz[], $7::timestamptz[])
     ON CONFLICT (customer_id) DO UPDATE SET
       total_orders = c.total_orders + excluded.total_orders,
       total_spent = c.total_spent + excluded.total_spent,
       cancelled_orders = c.cancelled_orders + excluded.cancelled_orders,
       cancelled_amount = c.cancelled_amount + excluded.cancelled_amount,
       last_order_at = greatest(c.last_order_at, excluded.last_order_at),
       updated_at = greatest(c.updated_at, excluded.updated_at)`,
    [
      rows.map(([id]) => id),
      rows.map(([, c]) => c.totalOrders),
      rows.map(([, c]) => c.totalSpent.toString()),
      rows.map(([, c]) => c.cancelledOrders),
      rows.map(([, c]) => c.cancelledAmount.toString()),
      rows.map(([, c]) => iso(c.lastOrderAt)),
      rows.map(([, c]) => iso(c.updatedAt)),
    ],
  );
}
