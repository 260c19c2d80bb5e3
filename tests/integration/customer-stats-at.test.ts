import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustOrderPrice, cancelOrder, changeShippingAddress, placeOrder, shipOrder } from '../../lib/commands';
import { seedCustomers } from '../../lib/db/seed';
import { isAppError } from '../../lib/errors';
import { comparePositions, createEventStore } from '../../lib/event-store';
import { customerStatsV1 as customerStats } from '../../lib/read-models/customer-stats/projection';
import { listProjectionStatus } from '../../lib/projections/status';
import { startProjectionWorker } from '../../lib/projections/worker';
import { listCustomerStatsAt, type CustomerStatsAtQuery } from '../../lib/read-models/customer-stats/at';
import { listCustomerStats, type ListCustomerStatsQuery } from '../../lib/read-models/customer-stats/queries';
import type { CustomerStatsRow } from '../../lib/read-models/customer-stats/types';
import { isolatedDatabase } from '../support/db';
import { seededRandom } from '../support/random';
import { fold, loadOrderEvents, type FoldEvent } from '../support/fold';

// The as-of query (one SQL aggregation over the events table) against an
// independent fold (tests/support/fold.ts: the domain's evolve per order, then
// totals from the final states) of the events recorded up to each cut-off,
// over a history written by random, concurrent commands; and, at "now",
// against the live customer_stats_v1 table once the projection caught up.
// A database of this file's own: the totals are whole-table figures.

const url = await isolatedDatabase();
const pool = new pg.Pool({ connectionString: url, max: 20 });
afterAll(() => pool.end());
const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
const services = { store, pool };
/** A handful of customers, so most of them have several orders, cancellations and adjustments. */
const CUSTOMERS = seedCustomers()
  .slice(40, 52)
  .map((c) => c.id);
const SEARCH = 'an';
const address = {
  name: 'Barbara Liskov',
  line1: '1 Substitution St',
  city: 'Boston',
  postalCode: '02139',
  country: 'US',
};

const seed = Number(process.env.PROJECTION_TEST_SEED ?? Date.now() % 1_000_000);

/**
 * Random commands from concurrent workers through the real use cases. Their
 * domain times (`now`) are injected out of order and years away from the
 * wall clock, so a query that cut on occurred_at instead of recorded_at would
 * fail every comparison below.
 */
async function runCommands(workers = 8, commands = 240) {
  const rng = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
  const placed: string[] = [];
  const outcomes: Record<string, number> = {};
  const base = Date.parse('2024-06-01T12:00:00.000Z');
  const someOrder = () => (rng() < 0.5 ? pick(placed.slice(-10)) : pick(placed));

  async function command() {
    const now = new Date(base + Math.floor(rng() * 30 * 86_400_000));
    const roll = rng();
    if (placed.length < 6 || roll < 0.35) {
      const orderId = randomUUID();
      const skus = [
        ...new Set(
          Array.from(
            { length: 1 + Math.floor(rng() * 3) },
            () => `SKU-${String(1 + Math.floor(rng() * 60)).padStart(4, '0')}`,
          ),
        ),
      ];
      const items = skus.map((sku) => ({ sku, quantity: 1 + Math.floor(rng() * 4) }));
      await placeOrder(services, { customerId: pick(CUSTOMERS), items, shippingAddress: address }, { orderId, now });
      placed.push(orderId);
    } else if (roll < 0.5) {
      await shipOrder(services, someOrder(), { now });
    } else if (roll < 0.66) {
      await cancelOrder(services, someOrder(), { reasonCode: 'customer_request', reason: 'customer asked' }, { now });
    } else if (roll < 0.88) {
      // Negative deltas may exceed the total (NEGATIVE_TOTAL); cancelled orders refuse any.
      const amountDelta = Math.round((rng() - 0.45) * 4_000) || 1;
      await adjustOrderPrice(services, someOrder(), { amountDelta, reason: 'price match' }, { now });
    } else {
      await changeShippingAddress(
        services,
        someOrder(),
        { address: { ...address, line1: `${rng()} Relay Row` } },
        { now },
      );
    }
  }

  let remaining = commands;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (remaining-- > 0) {
        try {
          await command();
          outcomes.ok = (outcomes.ok ?? 0) + 1;
        } catch (error) {
          if (!isAppError(error)) throw error;
          const kind = error.details.rule ?? error.code;
          outcomes[kind] = (outcomes[kind] ?? 0) + 1;
        }
        // Spread the appends over more milliseconds, so cut-offs fall between them.
        await sleep(rng() * 4);
      }
    }),
  );
  return outcomes;
}

type Stats = Omit<CustomerStatsRow, 'name'>;
const withoutName = (row: CustomerStatsRow): Stats => {
  const { customerId, totalOrders, totalSpent, cancelledOrders, cancelledAmount, lastOrderAt } = row;
  return { customerId, totalOrders, totalSpent, cancelledOrders, cancelledAmount, lastOrderAt };
};
const ZERO = { totalOrders: 0, totalSpent: 0, cancelledOrders: 0, cancelledAmount: 0, lastOrderAt: null };

/** The fold's rows as the API shapes them, every seeded customer included (zeros for those without orders). */
function expectedAt(events: FoldEvent[], at: number): Map<string, Stats> {
  const upTo = events.filter((e) => e.recordedMs <= at);
  const expected = new Map<string, Stats>(seedCustomers().map((c) => [c.id, { customerId: c.id, ...ZERO }]));
  // fold() replays each order with evolve, which throws on an order whose
  // later events arrive without its OrderPlaced: the cut must be a prefix of every order.
  for (const row of fold(upTo).customerStats) {
    expected.set(row.customer_id, {
      customerId: row.customer_id,
      totalOrders: row.total_orders,
      totalSpent: Number(row.total_spent),
      cancelledOrders: row.cancelled_orders,
      cancelledAmount: Number(row.cancelled_amount),
      lastOrderAt: row.last_order_at!.toISOString(),
    });
  }
  return expected;
}

async function allPages<T extends { customers: CustomerStatsRow[]; total: number }>(
  load: (page: number) => Promise<T>,
): Promise<{ rows: CustomerStatsRow[]; first: T }> {
  const rows: CustomerStatsRow[] = [];
  let first: T | undefined;
  for (let page = 1; ; page++) {
    const result = await load(page);
    first ??= result;
    rows.push(...result.customers);
    if (result.customers.length === 0 || rows.length >= result.total) return { rows, first };
  }
}

const asOf = (query: Omit<CustomerStatsAtQuery, 'page'>) =>
  allPages((page) => listCustomerStatsAt(pool, { pageSize: 40, ...query, page }));
const live = (query: Omit<ListCustomerStatsQuery, 'page'>) =>
  allPages((page) => listCustomerStats(pool, { pageSize: 40, ...query, page }));

/** customers ORDER BY name, id: the live list's tie-break, as ranks. */
async function nameRanks() {
  const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM customers ORDER BY name, id');
  return new Map(rows.map((r, i) => [r.id, i]));
}

let events: FoldEvent[];
let outcomes: Record<string, number>;

beforeAll(async () => {
  outcomes = await runCommands();
  // Another stream type with an order event's name: neither the projection nor the as-of query counts it.
  await store.append(
    `test-${randomUUID()}`,
    [{ type: 'OrderPlaced', data: { customerId: CUSTOMERS[0]!, total: 1_000_000 } }],
    {
      expectedVersion: 0,
      streamType: 'test',
    },
  );
  events = await loadOrderEvents(pool);
}, 120_000);

describe('customer stats as of a moment, against an independent fold', () => {
  it(`ran a history with cancellations and adjustments (seed ${seed})`, () => {
    const types = new Set(events.map((e) => e.type));
    expect([...types]).toEqual(expect.arrayContaining(['OrderPlaced', 'OrderCancelled', 'OrderPriceAdjusted']));
    expect(outcomes.ok).toBeGreaterThan(120);
    // Enough distinct milliseconds for the cut-offs to mean something.
    expect(new Set(events.map((e) => e.recordedMs)).size).toBeGreaterThan(50);
    console.info(`seed ${seed}: ${events.length} order events; outcomes ${JSON.stringify(outcomes)}`);
  });

  it('equals the fold of the events recorded up to each cut-off, for every customer, in the live order', async () => {
    const rng = seededRandom(seed + 1);
    const times = [...new Set(events.map((e) => e.recordedMs))].sort((a, b) => a - b);
    const cuts = [times[0]! - 1, times[0]!, times.at(-1)!];
    for (let i = 0; i < 8; i++) {
      const t = times[Math.floor(rng() * times.length)]!;
      // On an event's millisecond (it counts) and just before it (it does not, unless another shares the ms).
      cuts.push(t, t - 1);
    }
    const ranks = await nameRanks();
    for (const at of cuts) {
      const expected = expectedAt(events, at);
      for (const sort of ['spent', 'orders'] as const) {
        const { rows, first } = await asOf({ at: new Date(at), sort });
        const label = `as of ${new Date(at).toISOString()}, sort ${sort}`;
        expect(first.asOf, label).toBe(new Date(at).toISOString());
        expect(first.historic).toBe(true);
        expect(first.total, label).toBe(expected.size);
        expect(rows.map(withoutName), label).toEqual(
          [...expected.values()].sort((a, b) => {
            const key = (s: Stats) => (sort === 'spent' ? s.totalSpent : s.totalOrders);
            return key(b) - key(a) || ranks.get(a.customerId)! - ranks.get(b.customerId)!;
          }),
        );
      }
      // The search narrows the same rows, in the same order.
      const all = (await asOf({ at: new Date(at) })).rows;
      const searched = await asOf({ at: new Date(at), q: SEARCH });
      expect(searched.rows).toEqual(all.filter((r) => r.name.toLowerCase().includes(SEARCH)));
      expect(searched.first.total).toBe(searched.rows.length);
    }
  });

  it('at a moment before any event gives every customer zeros; far in the past it still answers', async () => {
    // The earliest recorded_at, not the first position's: recorded_at is when
    // a transaction began, and an earlier one may take a later position.
    const first = Math.min(...events.map((e) => e.recordedMs));
    const { rows } = await asOf({ at: new Date(first - 1) });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.totalOrders === 0 && r.totalSpent === 0 && r.lastOrderAt === null)).toBe(true);
    const ancient = await listCustomerStatsAt(pool, { at: new Date('0001-01-01T00:00:00Z') });
    expect(ancient.asOf).toBe('0001-01-01T00:00:00.000Z');
    expect(ancient.customers.every((r) => r.totalOrders === 0)).toBe(true);
  });
});

describe('customer stats as of now, against the live projection', () => {
  let worker: ReturnType<typeof startProjectionWorker>;
  beforeAll(async () => {
    worker = startProjectionWorker({ connectionString: url, projections: [customerStats], pollMs: 20 });
    const { rows } = await pool.query<{ position: string }>(
      `SELECT transaction_id::text || ':' || global_position AS position FROM events
        ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1`,
    );
    for (const deadline = Date.now() + 30_000; ; await sleep(25)) {
      const status = (await listProjectionStatus(pool)).find((s) => s.name === customerStats.name);
      if (status && comparePositions(status.position, rows[0]!.position) >= 0) break;
      if (Date.now() > deadline) throw new Error(`customer_stats did not catch up: ${JSON.stringify(status)}`);
    }
  }, 60_000);
  afterAll(() => worker.stop());

  it.each([
    ['spent', undefined],
    ['orders', undefined],
    ['spent', SEARCH],
    ['orders', SEARCH],
  ] as const)('equals the live list page by page (sort %s, q %s)', async (sort, q) => {
    const now = await asOf({ at: new Date(), sort, q });
    const current = await live({ sort, q });
    expect(now.rows).toEqual(current.rows);
    expect(now.first.total).toBe(current.first.total);
    // Same pages: the third page of 7 is rows 15–21 in both.
    const page = await listCustomerStatsAt(pool, { at: new Date(), sort, q, page: 3, pageSize: 7 });
    expect(page.customers).toEqual((await listCustomerStats(pool, { sort, q, page: 3, pageSize: 7 })).customers);
  });

  it('equals the customer_stats_v1 rows themselves', async () => {
    const { rows } = await pool.query<{
      customer_id: string;
      total_orders: number;
      total_spent: string;
      cancelled_orders: number;
      cancelled_amount: string;
      last_order_at: Date;
    }>(
      'SELECT customer_id::text, total_orders, total_spent::text, cancelled_orders, cancelled_amount::text, last_order_at FROM customer_stats_v1',
    );
    expect(rows.length).toBeGreaterThan(5);
    const now = new Map((await asOf({ at: new Date() })).rows.map((r) => [r.customerId, r]));
    for (const row of rows) {
      expect(now.get(row.customer_id)).toMatchObject({
        totalOrders: row.total_orders,
        totalSpent: Number(row.total_spent),
        cancelledOrders: row.cancelled_orders,
        cancelledAmount: Number(row.cancelled_amount),
        lastOrderAt: row.last_order_at.toISOString(),
      });
    }
  });

  it('takes a moment in the future as now, and labels it with the present time', async () => {
    const before = Date.now();
    const future = await listCustomerStatsAt(pool, { at: new Date('2999-01-01T00:00:00Z'), pageSize: 100 });
    const asOfMs = Date.parse(future.asOf);
    // The database clock: within a few seconds of this process's.
    expect(Math.abs(asOfMs - before)).toBeLessThan(5_000);
    expect(future.customers).toEqual((await listCustomerStats(pool, { pageSize: 100 })).customers);
  });
});
