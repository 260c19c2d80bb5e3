import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, call, expectValidation, POSITION, type Handler } from './helpers';
import { waitForProjections } from './helpers';
import { GET as customersRoute } from '../../app/api/customers/route';
import { GET as recentEventsRoute } from '../../app/api/events/recent/route';
import { GET as metricsRoute } from '../../app/api/stats/metrics/route';
import { adjustOrderPrice, cancelOrder, changeShippingAddress, placeOrder, shipOrder } from '../../lib/commands';
import { comparePositions } from '../../lib/event-store';
import { PROJECTIONS } from '../../lib/read-models';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { forgetServing } from '../../lib/projections/serving';
import { getServices } from '../../lib/server/services';
import { isolatedDatabase } from '../support/db';

// The metrics and status counts are whole-table figures: this file owns a
// database (see read-models.test.ts), so they are exact.
const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;

const get = (handler: unknown, path: string) => call(handler as Handler, path);
const metrics = (params = '') => get(metricsRoute, `/api/stats/metrics${params}`);
const recent = (params = '') => get(recentEventsRoute, `/api/events/recent${params}`);

// The window ends at the database's current minute, so orders are placed at
// times relative to now. BASE is the minute the file started in; a window that
// moves on by a minute while the tests run still holds every minute used below
// (the newest is BASE − 1, the checks use windows of 4 minutes or more).
const MINUTE = 60_000;
const BASE = Math.floor(Date.now() / MINUTE) * MINUTE;
const at = (minutesAgo: number, seconds = 0) => new Date(BASE - minutesAgo * MINUTE + seconds * 1000);
const minuteIso = (minutesAgo: number) => new Date(BASE - minutesAgo * MINUTE).toISOString();
const orderId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

// Seeded prices (lib/db/seed.ts): SKU-0001 499, SKU-0002 4232, SKU-0003 7965.
const DEFAULT_ITEMS = [
  { sku: 'SKU-0001', quantity: 2 },
  { sku: 'SKU-0002', quantity: 1 },
]; // 5230, 3 items
const ONE_CHEAP = [{ sku: 'SKU-0001', quantity: 1 }]; // 499

const ids = { a: orderId(1), b: orderId(2), c: orderId(3), d: orderId(4), old: orderId(5) };

let worker: ProjectionWorker | undefined;

let emptyMetrics: Awaited<ReturnType<typeof metrics>>;
let emptyEvents: Awaited<ReturnType<typeof recent>>;

beforeAll(async () => {
  expect(getServices().pool.options.connectionString).toBe(databaseUrl);
  emptyMetrics = await metrics('?minutes=5');
  emptyEvents = await recent();

  const customers = (await get(customersRoute, '/api/customers')).body.customers as Array<{ id: string }>;
  const services = getServices();
  const shippingAddress = address();
  const place = (id: string, items: typeof DEFAULT_ITEMS, now: Date, customer: number) =>
    placeOrder(services, { customerId: customers[customer]!.id, items, shippingAddress }, { orderId: id, now });

  await place(ids.old, ONE_CHEAP, at(120), 0); // outside a one-hour window, inside a day
  await place(ids.a, DEFAULT_ITEMS, at(5, 10), 1);
  await place(ids.b, ONE_CHEAP, at(2, 5), 2);
  await place(ids.c, DEFAULT_ITEMS, at(2, 40), 3);
  await place(ids.d, ONE_CHEAP, at(2, 50), 4);
  await adjustOrderPrice(services, ids.c, { amountDelta: -230, reason: 'Loyalty discount' }, { now: at(1, 1) });
  await cancelOrder(services, ids.c, { reasonCode: 'customer_request', reason: 'Changed my mind' }, { now: at(1, 2) });
  await shipOrder(services, ids.a, { now: at(1, 3) });
  const last = await changeShippingAddress(
    services,
    ids.b,
    { address: address({ city: 'Paris', country: 'FR', postalCode: '75001' }) },
    { now: at(1, 4), actor: { id: '00000000-0000-4000-8000-00000000c1e2', name: 'Casey Clerk' } },
  );

  worker = startProjectionWorker({ connectionString: databaseUrl, projections: PROJECTIONS, pollMs: 20 });
  await waitForProjections(last.position);
});

afterAll(async () => {
  await worker?.stop();
});

type Minute = { minute: string; ordersPlaced: number; ordersCancelled: number; revenue: number };

function expectContiguous(minutes: Minute[], length: number) {
  expect(minutes).toHaveLength(length);
  for (let i = 1; i < minutes.length; i++) {
    expect(Date.parse(minutes[i]!.minute) - Date.parse(minutes[i - 1]!.minute)).toBe(MINUTE);
  }
  // The window ends at the current minute (or the next, if one began meanwhile).
  expect(Date.parse(minutes.at(-1)!.minute)).toBeGreaterThanOrEqual(BASE);
  expect(Date.parse(minutes.at(-1)!.minute)).toBeLessThanOrEqual(Math.floor(Date.now() / MINUTE) * MINUTE);
}

/** `count` minutes, one apart, the last being `last`. */
function expectContiguousAt(minutes: Minute[], count: number, last: string) {
  expect(minutes).toHaveLength(count);
  expect(minutes.at(-1)!.minute).toBe(last);
  for (let i = 1; i < minutes.length; i++)
    expect(Date.parse(minutes[i]!.minute) - Date.parse(minutes[i - 1]!.minute)).toBe(MINUTE);
}

describe('GET /api/stats/metrics', () => {
  it('gave a zero-filled window and zero counts before anything was placed', () => {
    expect(emptyMetrics.status).toBe(200);
    expectContiguous(emptyMetrics.body.minutes, 5);
    for (const m of emptyMetrics.body.minutes)
      expect(m).toMatchObject({ ordersPlaced: 0, ordersCancelled: 0, revenue: 0 });
    expect(emptyMetrics.body.statusCounts).toEqual({ placed: 0, shipped: 0, cancelled: 0 });
    expect(emptyMetrics.body.totals).toEqual({ orders: 0, revenue: 0, cancelled: 0 });
    expect(emptyMetrics.body.previous).toEqual({ orders: 0, revenue: 0, cancelled: 0 });
  });

  it('returns the last 60 minutes by default, one entry per minute, zeros where nothing happened', async () => {
    const res = await metrics();
    expect(res.status).toBe(200);
    const minutes = res.body.minutes as Minute[];
    expectContiguous(minutes, 60);
    const byMinute = new Map(minutes.map((m) => [m.minute, m]));
    expect(byMinute.get(minuteIso(5))).toEqual({
      minute: minuteIso(5),
      ordersPlaced: 1,
      ordersCancelled: 0,
      revenue: 5230,
    });
    expect(byMinute.get(minuteIso(2))).toEqual({
      minute: minuteIso(2),
      ordersPlaced: 3,
      ordersCancelled: 0,
      revenue: 499 + 5230 + 499,
    });
    // The adjustment (−230) and the cancellation (−5000, the adjusted total) fall in the same minute.
    expect(byMinute.get(minuteIso(1))).toEqual({
      minute: minuteIso(1),
      ordersPlaced: 0,
      ordersCancelled: 1,
      revenue: -5230,
    });
    const busy = new Set([minuteIso(5), minuteIso(2), minuteIso(1)]);
    for (const m of minutes.filter((m) => !busy.has(m.minute))) {
      expect(m).toEqual({ minute: m.minute, ordersPlaced: 0, ordersCancelled: 0, revenue: 0 });
    }
    // The order two hours ago is outside the window; the totals sum the window.
    expect(res.body.totals).toEqual({ orders: 4, revenue: 5230 + 6228 - 5230, cancelled: 1 });
    // The hour before this one (60–119 minutes ago) saw nothing: the old order is 120 minutes ago.
    expect(res.body.previous).toEqual({ orders: 0, revenue: 0, cancelled: 0 });
    // Status counts are all time: old, b, d placed; a shipped; c cancelled.
    expect(res.body.statusCounts).toEqual({ placed: 3, shipped: 1, cancelled: 1 });
  });

  it('follows the serving pointer: cancellations by reason once order_metrics v2 serves, null again on v1', async () => {
    const { pool } = getServices();
    const serve = async (version: number) => {
      await pool.query(`UPDATE projection_serving SET version = $1 WHERE name = 'order_metrics'`, [version]);
      forgetServing();
    };
    const onV1 = await metrics('?minutes=10');
    expect(onV1.body.cancellationsByReason).toBeNull();
    try {
      await serve(2);
      const onV2 = await metrics('?minutes=10');
      expect(onV2.status).toBe(200);
      // v2 does all v1 does: the same figures, from its own tables (minute by
      // minute where both windows hold it: the window may have moved on).
      expect(onV2.body.statusCounts).toEqual(onV1.body.statusCounts);
      expect(onV2.body.totals).toEqual(onV1.body.totals);
      const v1Minutes = new Map((onV1.body.minutes as Minute[]).map((m) => [m.minute, m]));
      for (const m of onV2.body.minutes as Minute[])
        if (v1Minutes.has(m.minute)) expect(m).toEqual(v1Minutes.get(m.minute));
      // Every code, zeros included, in CANCEL_REASON_CODES order, then not_recorded.
      expect(onV2.body.cancellationsByReason).toEqual([
        { reasonCode: 'customer_request', label: 'Customer request', orders: 1, amount: 5000 },
        { reasonCode: 'out_of_stock', label: 'Out of stock', orders: 0, amount: 0 },
        { reasonCode: 'payment_failed', label: 'Payment failed', orders: 0, amount: 0 },
        { reasonCode: 'suspected_fraud', label: 'Suspected fraud', orders: 0, amount: 0 },
        { reasonCode: 'other', label: 'Other', orders: 0, amount: 0 },
        { reasonCode: 'not_recorded', label: 'Not recorded', orders: 0, amount: 0 },
      ]);
    } finally {
      await serve(1);
    }
    expect((await metrics('?minutes=10')).body.cancellationsByReason).toBeNull();
  });

  it('answers ?at= from the event log: now equals the projection, before the first event is all zeros', async () => {
    const live = await metrics('?minutes=1440');
    const now = await metrics(`?minutes=1440&at=${encodeURIComponent(new Date().toISOString())}`);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ historic: true, asOf: expect.any(String) });
    expect(now.body.statusCounts).toEqual(live.body.statusCounts);
    expect(now.body.totals).toEqual(live.body.totals);
    expect(now.body.previous).toEqual(live.body.previous);
    expect(now.body.minutes.filter((m: Minute) => m.ordersPlaced || m.ordersCancelled || m.revenue)).toEqual(
      live.body.minutes.filter((m: Minute) => m.ordersPlaced || m.ordersCancelled || m.revenue),
    );

    const before = await metrics('?minutes=5&at=2000-01-01T00:00:00Z');
    expect(before.body.asOf).toBe('2000-01-01T00:00:00.000Z');
    expectContiguousAt(before.body.minutes, 5, '2000-01-01T00:00:00.000Z');
    expect(before.body.statusCounts).toEqual({ placed: 0, shipped: 0, cancelled: 0 });
    expect(before.body.totals).toEqual({ orders: 0, revenue: 0, cancelled: 0 });

    expectValidation(await metrics('?at=yesterday'), { at: expect.any(String) });
  });

  it('takes the window size from ?minutes, from 1 to 1440', async () => {
    const day = await metrics('?minutes=1440');
    expectContiguous(day.body.minutes, 1440);
    expect(day.body.totals).toEqual({ orders: 5, revenue: 499 + 6228, cancelled: 1 });
    expect(day.body.minutes.find((m: Minute) => m.minute === minuteIso(120))).toMatchObject({
      ordersPlaced: 1,
      revenue: 499,
    });

    const four = await metrics('?minutes=4');
    expectContiguous(four.body.minutes, 4);
    expect(four.body.totals).toEqual({ orders: 3, revenue: 6228 - 5230, cancelled: 1 });
    // The trend's window: the 4 minutes before these, which hold the order of 5 minutes ago.
    expect(four.body.previous).toEqual({ orders: 1, revenue: 5230, cancelled: 0 });
    expect(four.body.statusCounts).toEqual({ placed: 3, shipped: 1, cancelled: 1 });

    expectContiguous((await metrics('?minutes=1')).body.minutes, 1);
    // An empty value means "not given", as a form sends it.
    expectContiguous((await metrics('?minutes=')).body.minutes, 60);
  });

  it.each(['minutes=0', 'minutes=1441', 'minutes=-5', 'minutes=1.5', 'minutes=an+hour', 'minutes=9999999999'])(
    'answers 400 VALIDATION for %s',
    async (params) => {
      expectValidation(await metrics(`?${params}`), { minutes: expect.any(String) });
    },
  );
});

describe('GET /api/events/recent', () => {
  it('gave an empty list before anything was placed', () => {
    expect(emptyEvents.status).toBe(200);
    expect(emptyEvents.body).toEqual({ events: [] });
  });

  it('lists order events newest first, each with its order and a short summary', async () => {
    const res = await recent();
    expect(res.status).toBe(200);
    const events = res.body.events as Array<Record<string, string>>;
    expect(events.map((e) => [e.type, e.orderId, e.summary])).toEqual([
      ['ShippingAddressChanged', ids.b, 'Shipping address changed to Paris, FR'],
      ['OrderShipped', ids.a, 'Order shipped'],
      ['OrderCancelled', ids.c, 'Order cancelled: €50.00 (Customer request: Changed my mind)'],
      ['OrderPriceAdjusted', ids.c, 'Price adjusted by -€2.30 to €50.00: Loyalty discount'],
      ['OrderPlaced', ids.d, 'Order placed: 1 item, €4.99'],
      ['OrderPlaced', ids.c, 'Order placed: 3 items, €52.30'],
      ['OrderPlaced', ids.b, 'Order placed: 1 item, €4.99'],
      ['OrderPlaced', ids.a, 'Order placed: 3 items, €52.30'],
      ['OrderPlaced', ids.old, 'Order placed: 1 item, €4.99'],
    ]);
    expect(events[0]).toEqual({
      position: expect.stringMatching(POSITION),
      type: 'ShippingAddressChanged',
      streamId: `order-${ids.b}`,
      orderId: ids.b,
      occurredAt: at(1, 4).toISOString(),
      version: 2,
      actor: 'Casey Clerk',
      summary: 'Shipping address changed to Paris, FR',
    });
    // Events recorded without an actor (here: commands issued with no user) say so.
    expect(events.find((e) => e.orderId === ids.a && e.type === 'OrderShipped')).toMatchObject({
      version: 2,
      actor: null,
    });
    const positions = events.map((e) => e.position!);
    for (let i = 1; i < positions.length; i++)
      expect(comparePositions(positions[i - 1]!, positions[i]!)).toBeGreaterThan(0);
  });

  it('returns at most ?limit events, the newest', async () => {
    const all = (await recent()).body.events;
    const res = await recent('?limit=3');
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual(all.slice(0, 3));
    expect((await recent('?limit=100')).body.events).toEqual(all);
    expect((await recent('?limit=')).body.events).toEqual(all);
  });

  it.each(['limit=0', 'limit=101', 'limit=-1', 'limit=2.5', 'limit=ten'])(
    'answers 400 VALIDATION for %s',
    async (params) => {
      expectValidation(await recent(`?${params}`), { limit: expect.any(String) });
    },
  );
});
