import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, call, expectValidation, pool, waitForProjections, type Handler } from './helpers';
import { GET as customersRoute } from '../../app/api/customers/route';
import { GET as statsRoute } from '../../app/api/stats/customers/route';
import { adjustOrderPrice, cancelOrder, placeOrder, shipOrder, type CommandResult } from '../../lib/commands';
import { PROJECTIONS } from '../../lib/read-models';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { getServices } from '../../lib/server/services';
import { isolatedDatabase } from '../support/db';

// GET /api/stats/customers?at=<ISO time>: the live list's shape, order, search
// and pages, computed from the events recorded up to that moment. The totals
// are whole-table figures, so this file owns a database (see read-models.test.ts).
const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;

const stats = (params = '') => call(statsRoute as Handler, `/api/stats/customers${params}`);
const statsAt = (at: string, params = '') => stats(`?at=${encodeURIComponent(at)}${params}`);
/** Every customer on one page (A, B and C are not all on the first 25 when they tie at zero). */
const everyoneAt = (at: string) => statsAt(at, '&pageSize=100');
const iso = (ms: number) => new Date(ms).toISOString();

// Seeded prices (lib/db/seed.ts): SKU-0001 499, SKU-0002 4232, SKU-0003 7965.
const DEFAULT_ITEMS = [
  { sku: 'SKU-0001', quantity: 2 },
  { sku: 'SKU-0002', quantity: 1 },
]; // 5230
const ONE_CHEAP = [{ sku: 'SKU-0001', quantity: 1 }]; // 499
const TWO_DEAR = [{ sku: 'SKU-0003', quantity: 2 }]; // 15930

/** a1's domain time: years before it reached the log. */
const A1_PLACED_AT = '2020-05-01T08:00:00.000Z';
const ZERO = { totalOrders: 0, totalSpent: 0, cancelledOrders: 0, cancelledAmount: 0, lastOrderAt: null };

type Customer = { id: string; name: string };
let customers: Customer[];
let A: Customer, B: Customer, C: Customer;
/** The millisecond each step's event was recorded in (recorded_at, cut from its microseconds). */
const t: Record<'a1' | 'b1' | 'a1Adjusted' | 'a1Cancelled' | 'c1' | 'b1Shipped', number> = {} as never;
let worker: ProjectionWorker | undefined;

async function recordedMs(result: CommandResult) {
  const { rows } = await pool().query<{ recorded: string }>(
    `SELECT to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS recorded
       FROM events WHERE stream_id = $1 AND stream_version = $2`,
    [`order-${result.orderId}`, result.version],
  );
  // Apart by a few milliseconds, so that each step has a moment of its own.
  await sleep(5);
  return Date.parse(`${rows[0]!.recorded.slice(0, 23)}Z`);
}

beforeAll(async () => {
  expect(getServices().pool.options.connectionString).toBe(databaseUrl);
  customers = (await call(customersRoute as Handler, '/api/customers')).body.customers;
  // By name, C sorts before B before A: ties (all zeros) come out as C, B, A.
  [C, B, A] = [customers[10]!, customers[20]!, customers[30]!];

  const services = getServices();
  const shippingAddress = address();
  const a1 = await placeOrder(
    services,
    { customerId: A.id, items: DEFAULT_ITEMS, shippingAddress },
    { now: new Date(A1_PLACED_AT) },
  );
  t.a1 = await recordedMs(a1);
  const b1 = await placeOrder(services, { customerId: B.id, items: ONE_CHEAP, shippingAddress });
  t.b1 = await recordedMs(b1);
  t.a1Adjusted = await recordedMs(
    await adjustOrderPrice(services, a1.orderId, { amountDelta: -230, reason: 'Loyalty discount' }),
  );
  t.a1Cancelled = await recordedMs(
    await cancelOrder(services, a1.orderId, { reasonCode: 'customer_request', reason: 'Changed my mind' }),
  );
  t.c1 = await recordedMs(await placeOrder(services, { customerId: C.id, items: TWO_DEAR, shippingAddress }));
  const shipped = await shipOrder(services, b1.orderId);
  t.b1Shipped = await recordedMs(shipped);

  worker = startProjectionWorker({ connectionString: databaseUrl, projections: PROJECTIONS, pollMs: 20 });
  await waitForProjections(shipped.position);
});

afterAll(async () => {
  await worker?.stop();
});

type Row = {
  customerId: string;
  name: string;
  totalOrders: number;
  totalSpent: number;
  cancelledOrders: number;
  cancelledAmount: number;
  lastOrderAt: string | null;
};
const rowOf = (body: { customers: Row[] }, customer: Customer) =>
  body.customers.find((r) => r.customerId === customer.id);

describe('GET /api/stats/customers?at=', () => {
  it('labels the answer and keeps the live list shape: every customer, page 1 of 25', async () => {
    const res = await statsAt(iso(t.c1));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['asOf', 'customers', 'historic', 'page', 'pageSize', 'total']);
    expect(res.body).toMatchObject({ asOf: iso(t.c1), historic: true, page: 1, pageSize: 25, total: 250 });
    expect(res.body.customers).toHaveLength(25);
    expect(Object.keys(res.body.customers[0]).sort()).toEqual(Object.keys({ customerId: 0, name: 0, ...ZERO }).sort());
  });

  it('gives zeros before the first event was recorded', async () => {
    const res = await statsAt(iso(t.a1 - 1), '&pageSize=100');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(iso(t.a1 - 1));
    expect(
      res.body.customers.every((r: Row) => r.totalOrders === 0 && r.totalSpent === 0 && r.cancelledOrders === 0),
    ).toBe(true);
  });

  it('counts each event from the millisecond it was recorded in, with the projection’s rules', async () => {
    // Placed: the order counts, at its placed total; lastOrderAt is the order's own (domain) time.
    expect(rowOf((await everyoneAt(iso(t.a1))).body, A)).toEqual({
      customerId: A.id,
      name: A.name,
      totalOrders: 1,
      totalSpent: 5230,
      cancelledOrders: 0,
      cancelledAmount: 0,
      lastOrderAt: A1_PLACED_AT,
    });
    const afterB = (await everyoneAt(iso(t.b1))).body;
    expect(rowOf(afterB, B)).toMatchObject({ totalOrders: 1, totalSpent: 499 });
    expect(afterB.customers.slice(0, 2).map((r: Row) => r.customerId)).toEqual([A.id, B.id]);
    // An adjustment moves the total; the cancellation takes the adjusted amount back out and counts it as cancelled.
    expect(rowOf((await everyoneAt(iso(t.a1Adjusted - 1))).body, A)).toMatchObject({ totalSpent: 5230 });
    expect(rowOf((await everyoneAt(iso(t.a1Adjusted))).body, A)).toMatchObject({ totalOrders: 1, totalSpent: 5000 });
    expect(rowOf((await everyoneAt(iso(t.a1Cancelled))).body, A)).toEqual({
      customerId: A.id,
      name: A.name,
      totalOrders: 0,
      totalSpent: 0,
      cancelledOrders: 1,
      cancelledAmount: 5000,
      lastOrderAt: A1_PLACED_AT,
    });
    const afterC = (await statsAt(iso(t.c1))).body;
    expect(afterC.customers.slice(0, 2).map((r: Row) => [r.customerId, r.totalSpent])).toEqual([
      [C.id, 15930],
      [B.id, 499],
    ]);
  });

  it('cuts on when the log recorded an event, not on the time the event carries', async () => {
    // a1 happened (occurred_at, placedAt) in 2020 but was recorded now: in 2021 the log did not hold it yet.
    const res = await everyoneAt('2021-01-01T00:00:00Z');
    expect(res.status).toBe(200);
    expect(rowOf(res.body, A)).toMatchObject(ZERO);
  });

  it('accepts any offset and fractions of a second, and answers in UTC to the millisecond', async () => {
    const local = new Date(t.c1 + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    const res = await statsAt(local);
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(iso(t.c1));
    expect(res.body.customers).toEqual((await statsAt(iso(t.c1))).body.customers);
    // Typed into an address bar, "+02:00" arrives as " 02:00" (in a query string "+" means space).
    const typed = await stats(`?at=${local}`);
    expect(typed.status).toBe(200);
    expect(typed.body.asOf).toBe(iso(t.c1));
    // Microseconds beyond the millisecond are dropped, not rounded up into the next one.
    const micro = await everyoneAt(`${iso(t.a1 - 1).slice(0, 23)}999Z`);
    expect(micro.body.asOf).toBe(iso(t.a1 - 1));
    expect(rowOf(micro.body, A)).toMatchObject(ZERO);
  });

  it('sorts by orders, searches and pages as the live list does', async () => {
    const at = iso(t.c1);
    // By orders: B and C have one each (tie: by name, C first), A none since the cancellation.
    const byOrders = await statsAt(at, '&sort=orders&pageSize=3');
    expect(byOrders.body.customers.map((r: Row) => [r.customerId, r.totalOrders])).toEqual([
      [C.id, 1],
      [B.id, 1],
      [customers[0]!.id, 0],
    ]);
    const q = A.name.split(' ')[1]!;
    const searched = await statsAt(at, `&q=${encodeURIComponent(q)}&pageSize=100`);
    expect(searched.body.customers.length).toBe(searched.body.total);
    expect(searched.body.customers.every((r: Row) => r.name.toLowerCase().includes(q.toLowerCase()))).toBe(true);
    expect(rowOf(searched.body, A)).toMatchObject({ cancelledOrders: 1 });
    const page2 = await statsAt(at, '&page=2&pageSize=10');
    expect(page2.body).toMatchObject({ page: 2, pageSize: 10, total: 250 });
    expect(page2.body.customers).toEqual((await statsAt(at, '&pageSize=20')).body.customers.slice(10));
  });

  it.each(['', '&sort=orders', '&q=an', '&sort=orders&q=an&page=2&pageSize=7', '&page=99'])(
    'as of now equals the live list once the projection caught up (%s)',
    async (params) => {
      const [historic, current] = [await statsAt(iso(Date.now()), params), await stats(`?${params.slice(1)}`)];
      expect(historic.status).toBe(200);
      const { asOf, historic: flag, ...rest } = historic.body;
      expect([typeof asOf, flag]).toEqual(['string', true]);
      expect(rest).toEqual(current.body);
    },
  );

  it('takes a moment in the future as now, labelled with the database’s current time', async () => {
    const before = Date.now();
    const res = await statsAt('2999-12-31T23:59:59Z', '&pageSize=100');
    expect(res.status).toBe(200);
    expect(Math.abs(Date.parse(res.body.asOf) - before)).toBeLessThan(5_000);
    const { asOf, historic, ...rest } = res.body;
    expect([typeof asOf, historic]).toEqual(['string', true]);
    expect(rest).toEqual((await stats('?pageSize=100')).body);
  });

  it('serves the live list when at is empty, as a form sends it', async () => {
    const res = await stats('?at=&sort=spent');
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('asOf');
    expect(res.body).toEqual((await stats('?sort=spent')).body);
  });

  it.each([
    'yesterday',
    '2026-03-01',
    '2026-03-01T10:00:00', // no time zone
    '2026-03-01T10:00Z', // no seconds
    '2026-02-30T10:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T10:00:00+0200',
    '1767225600000',
    '+002026-03-01T10:00:00Z',
  ])('answers 400 VALIDATION for at=%s', async (at) => {
    const res = await statsAt(at);
    expectValidation(res, {
      at: 'At must be an ISO 8601 date and time with a time zone, e.g. 2026-03-01T10:00:00Z.',
    });
  });

  it('still validates the other parameters alongside at', async () => {
    expectValidation(await statsAt(iso(t.c1), '&sort=price'), { sort: expect.any(String) });
    expectValidation(await statsAt(iso(t.c1), '&pageSize=101'), { pageSize: expect.any(String) });
  });
});
