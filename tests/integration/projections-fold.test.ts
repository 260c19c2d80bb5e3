import { setTimeout as sleep } from 'node:timers/promises';
import { ORDER_EVENT_SCHEMA, upcastStoredOrderEvent } from '../../lib/order-stream';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { randomUUID } from 'node:crypto';
import pg, { type PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustOrderPrice, cancelOrder, changeShippingAddress, placeOrder, shipOrder } from '../../lib/commands';
import { seedCustomers } from '../../lib/db/seed';
import {
  CANCEL_REASON_CODES,
  CANCEL_REASON_NOT_RECORDED,
  evolve,
  initialState,
  type OrderCancelled,
  type OrderPlaced,
  type OrderPriceAdjusted,
} from '../../lib/domain/order';
import { isAppError } from '../../lib/errors';
import { createEventStore, type JsonObject, type RecordedEvent } from '../../lib/event-store';
import { customerStatsV1 as customerStats } from '../../lib/read-models/customer-stats/projection';
import { orderMetricsV1 as orderMetrics, orderMetricsV2 } from '../../lib/read-models/order-metrics/projection';
import { toOrderEvent } from '../../lib/order-stream';
import { orderSummariesV1 as orderSummaries } from '../../lib/read-models/order-summaries/projection';
import type { Projection, ProjectionChange } from '../../lib/projections/types';
import { isolatedDatabase } from '../support/db';
import { seededRandom } from '../support/random';
import {
  fold,
  foldCancelReasons,
  loadOrderEvents,
  readCancelReasons,
  readCustomerOrders,
  readCustomerStats,
  readMinutes,
  readStatusCounts,
  readSummaries,
  type Fold,
  type FoldEvent,
} from '../support/fold';

// Each projection is checked against an independent fold (tests/support/fold.ts)
// over the events that real, concurrent commands wrote. Projections write into
// a schema of their own (empty copies of their tables, search_path set to it),
// so test files running at the same time can neither disturb nor see the rows.

// A database of this file's own: the commands below must not share customers
// with other files' assertions.
const pool = new pg.Pool({ connectionString: await isolatedDatabase(), max: 40 });
afterAll(() => pool.end());
const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
const services = { store, pool };
/** A few customers, so the scenario reads as one shop's history. */
const CUSTOMERS = seedCustomers()
  .slice(232, 248)
  .map((c) => c.id);
const address = {
  name: 'Grace Hopper',
  line1: '1 Compiler Way',
  city: 'Arlington',
  postalCode: '22201',
  country: 'US',
};
/** Sorts as PostgreSQL orders uuids (byte order = lower-case hex order). */
const byId =
  <T>(id: (row: T) => string) =>
  (a: T, b: T) =>
    id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0;

// ---------------------------------------------------------------------------
// Sandboxes: a schema per run with empty copies of the projection's tables.

const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

async function sandbox(...projections: Projection[]) {
  const schema = `t_${projections[0]!.name}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  schemas.push(schema);
  await pool.query(`CREATE SCHEMA ${schema}`);
  for (const table of projections.flatMap((p) => p.tables)) {
    await pool.query(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`);
  }
  return {
    schema,
    /** One transaction, as the runtime does; the search path holds only the sandbox, so a
     * projection that touched any other table (events, customers, another projection) would fail. */
    async apply(
      events: RecordedEvent[],
      options: { projection?: Projection; statements?: string[] } = {},
    ): Promise<ProjectionChange> {
      const { projection = projections[0]!, statements } = options;
      const tx = await pool.connect();
      try {
        await tx.query('BEGIN');
        await tx.query(`SET LOCAL search_path TO ${schema}`);
        const change = await projection.apply(statements ? countingQueries(tx, statements) : tx, events);
        await tx.query('COMMIT');
        return change;
      } catch (error) {
        await tx.query('ROLLBACK');
        throw error;
      } finally {
        tx.release();
      }
    },
    async rows<T>(sql: string): Promise<T[]> {
      return (await pool.query(sql.replaceAll('{schema}', schema))).rows as T[];
    },
  };
}

/** The same client, recording the text of every statement sent through it. */
function countingQueries(tx: PoolClient, statements: string[]): PoolClient {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop === 'query') {
        return (...args: unknown[]) => {
          const first = args[0] as string | { text: string };
          statements.push(typeof first === 'string' ? first : first.text);
          return (target.query as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
type Sandbox = Awaited<ReturnType<typeof sandbox>>;

async function applyInBatches(box: Sandbox, events: RecordedEvent[], sizes: () => number) {
  const keys: Record<string, Set<string>> = {};
  for (let i = 0; i < events.length;) {
    const size = sizes();
    const change = await box.apply(events.slice(i, i + size));
    for (const [view, ids] of Object.entries(change.keys)) {
      keys[view] ??= new Set();
      ids.forEach((id) => keys[view]!.add(id));
    }
    i += size;
  }
  return keys;
}

// ---------------------------------------------------------------------------
// The scenario: random commands from concurrent workers through the use cases.

type Scenario = {
  seed: number;
  delivered: RecordedEvent[];
  /** Positions of the same events as store.readAll returned them. */
  viaReadAll: string[];
  expected: Fold;
  folded: FoldEvent[];
  outcomes: Record<string, number>;
  /** Cancellations appended in the shape written before reason codes (schema version 1). */
  legacyCancels: number;
};

/** The orders' events as RecordedEvents, in numeric (transaction id, global position) order. */
async function loadDelivered(orderIds: string[]): Promise<RecordedEvent[]> {
  const { rows } = await pool.query<{
    transaction_id: string;
    global_position: string;
    stream_id: string;
    stream_type: string;
    stream_version: number;
    event_type: string;
    schema_version: number;
    data: JsonObject;
    metadata: JsonObject;
    occurred_at: Date;
    recorded_at: Date;
    hash: string;
    prev_hash: string;
  }>(
    `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position, e.stream_id, e.stream_type,
            e.stream_version, e.event_type, e.schema_version, e.data, e.metadata, e.occurred_at, e.recorded_at, e.hash, e.prev_hash
       FROM events e WHERE e.stream_id = ANY($1::text[])
      ORDER BY e.transaction_id, e.global_position`,
    [orderIds.map((id) => `order-${id}`)],
  );
  return rows.map((r) => ({
    position: `${r.transaction_id}:${r.global_position}`,
    globalPosition: Number(r.global_position),
    transactionId: r.transaction_id,
    streamId: r.stream_id,
    streamType: r.stream_type,
    version: r.stream_version,
    type: r.event_type,
    // Raw rows, upcast as the store's reads would.
    ...upcastStoredOrderEvent(r.event_type, r.schema_version, r.data),
    storedSchemaVersion: r.schema_version,
    metadata: r.metadata,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    hash: r.hash,
    prevHash: r.prev_hash,
  }));
}

/** Pages through store.readAll from the start, keeping the positions of these orders' events. */
async function readAllPositions(orderIds: string[], expected: number): Promise<string[]> {
  const streams = new Set(orderIds.map((id) => `order-${id}`));
  const positions: string[] = [];
  const deadline = Date.now() + 10_000;
  let after: string | undefined;
  for (;;) {
    const { events, checkpoint } = await store.readAll({ after, limit: 100 }, pool);
    positions.push(...events.filter((e) => streams.has(e.streamId)).map((e) => e.position));
    after = checkpoint;
    if (events.length > 0) continue;
    // Caught up. Another file's open transaction may hold the horizon back for a moment.
    if (positions.length >= expected || Date.now() > deadline) return positions;
    await sleep(50);
  }
}

async function runScenario(seed: number, workers = 16, commands = 300): Promise<Scenario> {
  const rng = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
  const attempted: string[] = [];
  const placed: string[] = [];
  const outcomes: Record<string, number> = {};
  // Times are injected, about 7 s apart from an odd millisecond, so the
  // events cross many minute boundaries without waiting for the clock.
  const base = Date.parse('2026-03-01T09:00:00.123Z');
  let issued = 0;

  const someOrder = () => (rng() < 0.5 ? pick(placed.slice(-12)) : pick(placed));
  async function command() {
    const now = new Date(base + issued++ * 7_001);
    const roll = rng();
    if (placed.length < 8 || roll < 0.34) {
      const orderId = randomUUID();
      attempted.push(orderId);
      const skus = [
        ...new Set(
          Array.from(
            { length: 1 + Math.floor(rng() * 4) },
            () => `SKU-${String(1 + Math.floor(rng() * 60)).padStart(4, '0')}`,
          ),
        ),
      ];
      // Now and then an unknown SKU: a validation error that writes nothing.
      if (rng() < 0.1) skus.push('SKU-9999');
      const items = skus.map((sku) => ({ sku, quantity: 1 + Math.floor(rng() * 5) }));
      await placeOrder(services, { customerId: pick(CUSTOMERS), items, shippingAddress: address }, { orderId, now });
      placed.push(orderId);
    } else if (roll < 0.5) {
      await shipOrder(services, someOrder(), { now });
    } else if (roll < 0.54) {
      await legacyCancel(someOrder(), now);
    } else if (roll < 0.64) {
      await cancelOrder(
        services,
        someOrder(),
        { reasonCode: pick(CANCEL_REASON_CODES), reason: 'customer asked' },
        { now },
      );
    } else if (roll < 0.82) {
      // Negative deltas may exceed the total (NEGATIVE_TOTAL); cancelled orders refuse any.
      const amountDelta = Math.round((rng() - 0.4) * 4_000) || 1;
      await adjustOrderPrice(services, someOrder(), { amountDelta, reason: 'price match' }, { now });
    } else if (roll < 0.93) {
      await changeShippingAddress(
        services,
        someOrder(),
        { address: { ...address, line1: `${issued} Relay Row` } },
        { now },
      );
    } else {
      // A client that read version 1 and acts much later: a conflict unless nothing happened since.
      await adjustOrderPrice(
        services,
        someOrder(),
        { amountDelta: 100, reason: 'stale form' },
        { now, expectedVersion: 1 },
      );
    }
  }

  // What the code before reason codes wrote: OrderCancelled v1, no reasonCode.
  let legacyCancels = 0;
  async function legacyCancel(orderId: string, now: Date) {
    const history = await store.readStream(`order-${orderId}`);
    const state = history.reduce((s, e) => evolve(s, toOrderEvent(e)), initialState());
    if (state.status !== 'placed') {
      outcomes.LEGACY_NOT_PLACED = (outcomes.LEGACY_NOT_PLACED ?? 0) + 1;
      return;
    }
    const data = { orderId, reason: 'before codes', amount: state.total, cancelledAt: now.toISOString() };
    try {
      await store.append(
        `order-${orderId}`,
        [{ type: 'OrderCancelled', schemaVersion: 1, data, metadata: {}, occurredAt: now }],
        { expectedVersion: history.length, streamType: 'order' },
      );
      legacyCancels++;
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONCURRENCY') throw error;
      outcomes.LEGACY_CONFLICT = (outcomes.LEGACY_CONFLICT ?? 0) + 1;
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
      }
    }),
  );

  // The fold reads the events table its own way; the projections get
  // RecordedEvents in the order the runtime delivers: (transaction id, position).
  const folded = await loadOrderEvents(pool, attempted);
  const delivered = await loadDelivered(attempted);
  const viaReadAll = await readAllPositions(attempted, delivered.length);
  return { seed, delivered, viaReadAll, expected: fold(folded), folded, outcomes, legacyCancels };
}

// ---------------------------------------------------------------------------

const seed = Number(process.env.PROJECTION_TEST_SEED ?? Date.now() % 1_000_000);
let scenario: Scenario;

/** Batch sizes: one by one, odd, large, and random (seeded). */
const BATCHINGS: [string, () => () => number][] = [
  ['1', () => () => 1],
  ['7', () => () => 7],
  ['100', () => () => 100],
  [
    'random 1–60',
    () => {
      const rng = seededRandom(seed + 1);
      return () => 1 + Math.floor(rng() * 60);
    },
  ],
];

describe('projections against an independent fold', () => {
  beforeAll(async () => {
    scenario = await runScenario(seed);
  }, 120_000);

  it(`ran a scenario with every kind of outcome (seed ${seed})`, () => {
    const { outcomes, folded, delivered, expected } = scenario;
    expect(delivered.map((e) => e.position).sort()).toEqual(
      folded.map((e) => `${e.transactionId}:${e.globalPosition}`).sort(),
    );
    expect(outcomes.ok).toBeGreaterThan(150);
    expect(Object.keys(outcomes)).toEqual(expect.arrayContaining(['CONFLICT', 'VALIDATION', 'ORDER_CANCELLED']));
    const types = new Set(folded.map((e) => e.type));
    expect([...types].sort()).toEqual([
      'OrderCancelled',
      'OrderPlaced',
      'OrderPriceAdjusted',
      'OrderShipped',
      'ShippingAddressChanged',
    ]);
    expect(
      expected.statusCounts.placed * expected.statusCounts.shipped * expected.statusCounts.cancelled,
    ).toBeGreaterThan(0);
    expect(expected.minutes.length).toBeGreaterThan(10);
    expect(scenario.legacyCancels).toBeGreaterThan(0);
    console.info(
      `seed ${seed}: ${delivered.length} events of ${expected.orderSummaries.length} orders (${scenario.legacyCancels} cancelled as v1); outcomes ${JSON.stringify(outcomes)}`,
    );
  });

  it('gets the same events in the same order from store.readAll, which the projections rely on', () => {
    // Each order's events must arrive in version order: projections fold a
    // batch per order and fail on events of an order they never saw placed.
    expect(scenario.viaReadAll).toEqual(scenario.delivered.map((e) => e.position));
  });

  describe.each(BATCHINGS)('in batches of %s', (_, sizes) => {
    it('order_summaries equals the fold', async () => {
      const box = await sandbox(orderSummaries);
      const keys = await applyInBatches(box, scenario.delivered, sizes());
      expect(await readSummaries(box)).toEqual(scenario.expected.orderSummaries);
      expect([...keys.orders!].sort()).toEqual(scenario.expected.orderSummaries.map((r) => r.order_id));
    });

    it('customer_stats equals the fold', async () => {
      const box = await sandbox(customerStats);
      const keys = await applyInBatches(box, scenario.delivered, sizes());
      expect(await readCustomerStats(box)).toEqual(scenario.expected.customerStats);
      expect(await readCustomerOrders(box)).toEqual(scenario.expected.customerOrders);
      expect([...keys.customers!].sort()).toEqual(scenario.expected.customerStats.map((r) => r.customer_id));
    });

    it('order_metrics equals the fold', async () => {
      const box = await sandbox(orderMetrics);
      const keys = await applyInBatches(box, scenario.delivered, sizes());
      expect(await readMinutes(box)).toEqual(scenario.expected.minutes);
      expect(await readStatusCounts(box)).toEqual(scenario.expected.statusCounts);
      expect([...keys.metrics!].sort()).toEqual(scenario.expected.minutes.map((r) => r.minute.toISOString()));
    });

    it('order_metrics v2 equals the fold, cancellations by reason included', async () => {
      const box = await sandbox(orderMetricsV2);
      const keys = await applyInBatches(box, scenario.delivered, sizes());
      // What v1 does, unchanged, in v2's own tables.
      expect(await readMinutes(box, 'order_metrics_minute_v2')).toEqual(scenario.expected.minutes);
      expect(await readStatusCounts(box, 'order_status_counts_v2')).toEqual(scenario.expected.statusCounts);
      const reasons = foldCancelReasons(scenario.folded);
      expect(await readCancelReasons(box)).toEqual(reasons);
      expect([...keys.reasons!].sort()).toEqual(reasons.map((r) => r.reason_code));
      // Every cancellation stored as v1 counts as not recorded, and only those.
      const notRecorded = reasons.find((r) => r.reason_code === CANCEL_REASON_NOT_RECORDED)?.orders ?? 0;
      expect(notRecorded).toBe(scenario.legacyCancels);
    });
  });

  it('applies a batch in a few statements per projection, however many events it holds', async () => {
    const all = [orderSummaries, customerStats, orderMetrics, orderMetricsV2];
    const box = await sandbox(...all);
    // The second half holds new orders and later events of orders placed in the first.
    const half = Math.floor(scenario.delivered.length / 2);
    const [first, second] = [scenario.delivered.slice(0, half), scenario.delivered.slice(half)];
    const counts: [string, number][] = [];
    for (const projection of all) {
      await box.apply(first, { projection });
      const statements: string[] = [];
      await box.apply(second, { projection, statements });
      counts.push([projection.name, statements.length]);
    }
    // summaries: insert new + update stored + add to the status counts; stats: look up + remember + upsert; metrics: two upserts (v2: three).
    expect(counts).toEqual([
      ['order_summaries', 3],
      ['customer_stats', 3],
      ['order_metrics', 2],
      ['order_metrics', 3],
    ]);
  });
});

// ---------------------------------------------------------------------------
// Handwritten histories for the edge cases.

let fakePosition = 9_000_000_000;
const currentSchema = (type: string) =>
  Object.hasOwn(ORDER_EVENT_SCHEMA.current, type)
    ? ORDER_EVENT_SCHEMA.current[type as keyof typeof ORDER_EVENT_SCHEMA.current]
    : 1;
const at = (iso: string) => new Date(iso);

/** Builds one order's events as the store would record them. */
function order(customerId: string, total = 10_000, orderId = randomUUID()) {
  let version = 0;
  let current = total;
  const record = (type: string, data: object, occurredAt: Date, streamType = 'order'): RecordedEvent => {
    fakePosition++;
    return {
      position: `${fakePosition}:${fakePosition}`,
      globalPosition: fakePosition,
      transactionId: String(fakePosition),
      streamId: `order-${orderId}`,
      streamType,
      version: ++version,
      type,
      schemaVersion: currentSchema(type),
      storedSchemaVersion: currentSchema(type),
      data: data as JsonObject,
      metadata: {},
      occurredAt,
      recordedAt: occurredAt,
      hash: '',
      prevHash: '',
    };
  };
  return {
    orderId,
    placed: (occurredAt: Date) =>
      record(
        'OrderPlaced',
        {
          orderId,
          customerId,
          lines: [
            { sku: 'SKU-0001', name: 'Classic Backpack', quantity: 3, unitPrice: 2_000, lineTotal: 6_000 },
            {
              sku: 'SKU-0002',
              name: 'Compact Backpack',
              quantity: 2,
              unitPrice: total / 2 - 3_000,
              lineTotal: total - 6_000,
            },
          ],
          currency: 'EUR',
          total,
          shippingAddress: address,
          placedAt: occurredAt.toISOString(),
        } satisfies OrderPlaced['data'],
        occurredAt,
      ),
    shipped: (occurredAt: Date) => record('OrderShipped', { orderId, shippedAt: occurredAt.toISOString() }, occurredAt),
    readdressed: (occurredAt: Date) =>
      record(
        'ShippingAddressChanged',
        {
          orderId,
          address: { ...address, city: 'Reston' },
          previousAddress: address,
          changedAt: occurredAt.toISOString(),
        },
        occurredAt,
      ),
    adjusted: (amountDelta: number, occurredAt: Date) => {
      const data = {
        orderId,
        amountDelta,
        reason: 'fix',
        previousTotal: current,
        newTotal: current + amountDelta,
        adjustedAt: occurredAt.toISOString(),
      };
      current += amountDelta;
      return record('OrderPriceAdjusted', data satisfies OrderPriceAdjusted['data'], occurredAt);
    },
    cancelled: (occurredAt: Date) =>
      record(
        'OrderCancelled',
        {
          orderId,
          reason: 'changed mind',
          reasonCode: 'out_of_stock',
          amount: current,
          cancelledAt: occurredAt.toISOString(),
        } satisfies OrderCancelled['data'],
        occurredAt,
      ),
    /** Same type name, another stream type: not an order event. */
    foreign: (occurredAt: Date) => record('OrderPlaced', { anything: true }, occurredAt, 'test'),
  };
}

const [alice, bob] = [randomUUID(), randomUUID()];

describe('order_summaries edge cases', () => {
  it('folds placed and cancelled in one batch into one cancelled row', async () => {
    const box = await sandbox(orderSummaries);
    const o = order(alice, 12_000);
    const placed = o.placed(at('2026-03-01T10:00:00Z'));
    const cancel = o.cancelled(at('2026-03-01T10:05:00Z'));
    const change = await box.apply([placed, cancel]);
    expect(change.keys.orders).toEqual([o.orderId]);
    expect(await readSummaries(box)).toEqual([
      {
        order_id: o.orderId,
        customer_id: alice,
        status: 'cancelled',
        total: 12_000,
        currency: 'EUR',
        line_count: 2,
        item_count: 5,
        placed_at: at('2026-03-01T10:00:00Z'),
        last_change_at: at('2026-03-01T10:05:00Z'),
        last_event_type: 'OrderCancelled',
        version: 2,
        position: cancel.position,
      },
    ]);
  });

  it('adds adjustments to the placed total when both are in one batch', async () => {
    const box = await sandbox(orderSummaries);
    const o = order(alice, 10_000);
    const events = [
      o.placed(at('2026-03-01T10:00:00Z')),
      o.adjusted(-1_500, at('2026-03-01T10:01:00Z')),
      o.readdressed(at('2026-03-01T10:02:00Z')),
      o.adjusted(250, at('2026-03-01T10:03:00Z')),
      o.shipped(at('2026-03-01T10:04:00Z')),
    ];
    await box.apply(events);
    expect(await readSummaries(box)).toMatchObject([
      { status: 'shipped', total: 8_750, version: 5, last_event_type: 'OrderShipped', position: events[4]!.position },
    ]);
  });

  it('keeps the adjusted total through a later cancel, and adjusts a shipped order', async () => {
    const box = await sandbox(orderSummaries);
    const a = order(alice, 10_000);
    const b = order(bob, 20_000);
    await box.apply([a.placed(at('2026-03-01T10:00:00Z')), b.placed(at('2026-03-01T10:00:01Z'))]);
    await box.apply([a.adjusted(500, at('2026-03-01T10:01:00Z')), b.shipped(at('2026-03-01T10:01:00Z'))]);
    await box.apply([
      a.readdressed(at('2026-03-01T10:01:30Z')),
      a.cancelled(at('2026-03-01T10:02:00Z')),
      b.adjusted(-700, at('2026-03-01T10:03:00Z')),
    ]);
    const rows = await readSummaries(box);
    expect(rows.map((r) => [r.order_id, r.status, r.total, r.version, r.last_event_type])).toEqual(
      [
        [a.orderId, 'cancelled', 10_500, 4, 'OrderCancelled'],
        [b.orderId, 'shipped', 19_300, 3, 'OrderPriceAdjusted'],
      ].sort(byId((r) => String(r[0]))),
    );
  });

  it('ignores events of other stream types and fails on an order it never saw placed', async () => {
    const box = await sandbox(orderSummaries);
    const o = order(alice);
    expect((await box.apply([o.foreign(at('2026-03-01T10:00:00Z'))])).keys.orders).toEqual([]);
    const ghost = order(alice);
    ghost.placed(at('2026-03-01T10:00:00Z')); // recorded, never delivered
    await expect(box.apply([ghost.shipped(at('2026-03-01T10:01:00Z'))])).rejects.toThrow(/never placed/);
    expect(await readSummaries(box)).toEqual([]);
  });
});

describe('customer_stats edge cases', () => {
  it('takes an order placed and cancelled in one batch back out of the totals', async () => {
    const box = await sandbox(customerStats);
    const o = order(alice, 12_000);
    const change = await box.apply([o.placed(at('2026-03-01T10:00:00Z')), o.cancelled(at('2026-03-01T10:05:00Z'))]);
    expect(change.keys.customers).toEqual([alice]);
    expect(await readCustomerStats(box)).toEqual([
      {
        customer_id: alice,
        total_orders: 0,
        total_spent: '0',
        cancelled_orders: 1,
        cancelled_amount: '12000',
        last_order_at: at('2026-03-01T10:00:00Z'),
        updated_at: at('2026-03-01T10:05:00Z'),
      },
    ]);
  });

  it('cancels the adjusted amount, adds adjustments to shipped orders, keeps the latest order time', async () => {
    const box = await sandbox(customerStats);
    const a = order(alice, 10_000);
    const b = order(alice, 20_000);
    const c = order(bob, 8_000);
    // b is placed later in the log but earlier in time: last_order_at is a maximum, not "the last seen".
    await box.apply([a.placed(at('2026-03-01T10:00:00Z')), c.placed(at('2026-03-01T10:00:00Z'))]);
    await box.apply([
      a.adjusted(500, at('2026-03-01T10:01:00Z')),
      b.placed(at('2026-03-01T09:00:00Z')),
      c.shipped(at('2026-03-01T10:02:00Z')),
    ]);
    expect(await readCustomerStats(box)).toEqual(
      [
        {
          customer_id: alice,
          total_orders: 2,
          total_spent: '30500',
          cancelled_orders: 0,
          cancelled_amount: '0',
          last_order_at: at('2026-03-01T10:00:00Z'),
          updated_at: at('2026-03-01T10:01:00Z'),
        },
        {
          customer_id: bob,
          total_orders: 1,
          total_spent: '8000',
          cancelled_orders: 0,
          cancelled_amount: '0',
          last_order_at: at('2026-03-01T10:00:00Z'),
          updated_at: at('2026-03-01T10:00:00Z'),
        },
      ].sort(byId((r) => r.customer_id)),
    );
    const change = await box.apply([
      a.cancelled(at('2026-03-01T10:03:00Z')),
      c.adjusted(-1_000, at('2026-03-01T10:04:00Z')),
    ]);
    expect(change.keys.customers!.sort()).toEqual([alice, bob].sort());
    const rows = await readCustomerStats(box);
    expect(rows.find((r) => r.customer_id === alice)).toMatchObject({
      total_orders: 1,
      total_spent: '20000',
      cancelled_orders: 1,
      cancelled_amount: '10500',
    });
    expect(rows.find((r) => r.customer_id === bob)).toMatchObject({
      total_orders: 1,
      total_spent: '7000',
      cancelled_orders: 0,
    });
    expect((await readCustomerOrders(box)).length).toBe(3);
  });

  it('fails on a cancel of an order it never saw placed, instead of dropping it', async () => {
    const box = await sandbox(customerStats);
    const ghost = order(alice);
    ghost.placed(at('2026-03-01T10:00:00Z'));
    await expect(box.apply([ghost.cancelled(at('2026-03-01T10:01:00Z'))])).rejects.toThrow(/never placed/);
  });
});

describe('order_metrics edge cases', () => {
  it('counts placed and cancelled in one batch in their minutes and moves the order to cancelled', async () => {
    const box = await sandbox(orderMetrics);
    const o = order(alice, 12_000);
    const change = await box.apply([o.placed(at('2026-03-01T10:00:10Z')), o.cancelled(at('2026-03-01T10:00:50Z'))]);
    expect(change.keys).toEqual({ metrics: ['2026-03-01T10:00:00.000Z'], statuses: ['cancelled'] });
    expect(await readMinutes(box)).toEqual([
      { minute: at('2026-03-01T10:00:00Z'), orders_placed: 1, orders_cancelled: 1, revenue: '0' },
    ]);
    expect(await readStatusCounts(box)).toEqual({ placed: 0, shipped: 0, cancelled: 1 });
  });

  it('books each change in the minute it happened, split exactly at the minute boundary', async () => {
    const box = await sandbox(orderMetrics);
    const a = order(alice, 10_000);
    const b = order(bob, 20_000);
    await box.apply([a.placed(at('2026-03-01T10:00:59.999Z')), b.placed(at('2026-03-01T10:01:00.000Z'))]);
    await box.apply([a.adjusted(500, at('2026-03-01T10:02:00Z')), b.shipped(at('2026-03-01T10:02:30Z'))]);
    await box.apply([a.cancelled(at('2026-03-01T10:03:00Z')), b.adjusted(-700, at('2026-03-01T10:03:59Z'))]);
    expect(await readMinutes(box)).toEqual([
      { minute: at('2026-03-01T10:00:00Z'), orders_placed: 1, orders_cancelled: 0, revenue: '10000' },
      { minute: at('2026-03-01T10:01:00Z'), orders_placed: 1, orders_cancelled: 0, revenue: '20000' },
      { minute: at('2026-03-01T10:02:00Z'), orders_placed: 0, orders_cancelled: 0, revenue: '500' },
      { minute: at('2026-03-01T10:03:00Z'), orders_placed: 0, orders_cancelled: 1, revenue: '-11200' },
    ]);
    expect(await readStatusCounts(box)).toEqual({ placed: 0, shipped: 1, cancelled: 1 });
  });

  it('writes nothing for a batch without its event types', async () => {
    const box = await sandbox(orderMetrics);
    const o = order(alice);
    const change = await box.apply([o.foreign(at('2026-03-01T10:00:00Z'))]);
    expect(change.keys).toEqual({ metrics: [], statuses: [] });
    expect(await readMinutes(box)).toEqual([]);
  });
});

describe('order_metrics v2 edge cases', () => {
  it('counts a cancellation stored before reason codes (v1) under not_recorded, with its amount', async () => {
    const box = await sandbox(orderMetricsV2);
    const coded = order(alice, 12_000);
    const legacy = order(bob, 8_000);
    const cancelledV1 = legacy.cancelled(at('2026-03-01T10:01:00Z'));
    const v1Data: JsonObject = { ...cancelledV1.data };
    delete v1Data.reasonCode;
    // As the store hands it out: upcast from what is stored (v1, no code).
    const stored = {
      ...cancelledV1,
      ...upcastStoredOrderEvent('OrderCancelled', 1, v1Data),
      storedSchemaVersion: 1,
    };
    const change = await box.apply([
      coded.placed(at('2026-03-01T10:00:00Z')),
      legacy.placed(at('2026-03-01T10:00:01Z')),
      coded.adjusted(-500, at('2026-03-01T10:00:30Z')),
      coded.cancelled(at('2026-03-01T10:00:40Z')),
      stored,
    ]);
    expect(change.keys.reasons!.sort()).toEqual(['not_recorded', 'out_of_stock']);
    expect(await readCancelReasons(box)).toEqual([
      { reason_code: 'not_recorded', orders: 1, amount: '8000' },
      { reason_code: 'out_of_stock', orders: 1, amount: '11500' },
    ]);
  });

  it('writes no reasons row for a batch without cancellations', async () => {
    const box = await sandbox(orderMetricsV2);
    const change = await box.apply([order(alice).placed(at('2026-03-01T10:00:00Z'))]);
    expect(change.keys.reasons).toEqual([]);
    expect(await readCancelReasons(box)).toEqual([]);
  });
});
