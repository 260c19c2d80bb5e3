import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  call,
  expectError,
  expectValidation,
  pool,
  POSITION,
  type ApiResponse,
  type Handler,
} from './helpers';
import { waitForProjections } from './helpers';
import { GET as customerStatsRoute } from '../../app/api/customers/[id]/stats/route';
import { GET as customersRoute } from '../../app/api/customers/route';
import { GET as orderRoute } from '../../app/api/orders/[id]/route';
import { GET as ordersRoute } from '../../app/api/orders/route';
import { GET as customerStatsListRoute } from '../../app/api/stats/customers/route';
import { adjustOrderPrice, cancelOrder, placeOrder, shipOrder } from '../../lib/commands';
import { PROJECTIONS } from '../../lib/read-models';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { getServices } from '../../lib/server/services';
import { isolatedDatabase } from '../support/db';

// Other files write the shared database's read-model tables at the same time,
// so this file owns a database: whole lists and totals are then exact.
// helpers.ts (via env.ts) set DATABASE_URL to the shared one, but services are
// created on first use, and nothing has used them yet; beforeAll checks that.
const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;

const get = (handler: unknown, path: string, id?: string) => call(handler as Handler, path, { id });

const listOrders = (params = '') => get(ordersRoute, `/api/orders${params}`);
const getOrder = (id: string) => get(orderRoute, `/api/orders/${encodeURIComponent(id)}`, id);
const customerStats = (id: string) => get(customerStatsRoute, `/api/customers/${encodeURIComponent(id)}/stats`, id);
const statsList = (params = '') => get(customerStatsListRoute, `/api/stats/customers${params}`);

// Seeded prices (lib/db/seed.ts): SKU-0001 499, SKU-0002 4232, SKU-0003 7965.
const DEFAULT_ITEMS = [
  { sku: 'SKU-0001', quantity: 2 },
  { sku: 'SKU-0002', quantity: 1 },
]; // 5230
const ONE_CHEAP = [{ sku: 'SKU-0001', quantity: 1 }]; // 499

const T0 = Date.parse('2026-01-10T12:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();
const orderId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

type Customer = { id: string; name: string };
/** All seeded customers in name order (the order /api/customers and the stats ties use). */
let customers: Customer[];
let A: Customer, B: Customer, C: Customer, D: Customer, E: Customer;

/**
 * The orders, by key: customer, items, placed at T0 + seconds, and an id
 * chosen so that the four orders placed at the same instant (t = 2) sort by
 * id in an order other than the one they were placed in.
 */
const plan = {
  a1: { customer: () => A, items: DEFAULT_ITEMS, t: 0, id: orderId(0x20) },
  b1: { customer: () => B, items: ONE_CHEAP, t: 1, id: orderId(0x21) },
  b2: { customer: () => B, items: ONE_CHEAP, t: 2, id: orderId(0x03) },
  c1: { customer: () => C, items: [{ sku: 'SKU-0003', quantity: 10 }], t: 2, id: orderId(0x0a) },
  d1: { customer: () => D, items: ONE_CHEAP, t: 2, id: orderId(0x0f) },
  e1: { customer: () => E, items: ONE_CHEAP, t: 2, id: orderId(0x01) },
  a2: { customer: () => A, items: [{ sku: 'SKU-0003', quantity: 1 }], t: 3, id: orderId(0x22) },
  b3: { customer: () => B, items: ONE_CHEAP, t: 4, id: orderId(0x23) },
  a3: { customer: () => A, items: DEFAULT_ITEMS, t: 5, id: orderId(0x24) },
  b4: { customer: () => B, items: ONE_CHEAP, t: 6, id: orderId(0x25) },
};
type Key = keyof typeof plan;
const id = (key: Key) => plan[key].id;
const ids = (...keys: Key[]) => keys.map(id);

/** Newest first; at t = 2, id descending: d1 (…0f), c1 (…0a), b2 (…03), e1 (…01). */
const NEWEST_FIRST = ids('b4', 'a3', 'b3', 'a2', 'd1', 'c1', 'b2', 'e1', 'b1', 'a1');

let worker: ProjectionWorker | undefined;
let beforeProjection: ApiResponse;
let cancelled: { version: number; position: string };

beforeAll(async () => {
  expect(getServices().pool.options.connectionString).toBe(databaseUrl);
  customers = (await get(customersRoute, '/api/customers')).body.customers;
  expect(customers).toHaveLength(250);
  // D and E sort before C by name: the "then name" tie-break differs from placement order.
  [D, E, B, A, C] = [customers[1]!, customers[2]!, customers[3]!, customers[5]!, customers[7]!];

  const services = getServices();
  const shippingAddress = address();
  for (const [key, order] of Object.entries(plan)) {
    await placeOrder(
      services,
      { customerId: order.customer().id, items: order.items, shippingAddress },
      { orderId: order.id, now: at(order.t), commandId: `read-models-${key}` },
    );
  }
  await adjustOrderPrice(services, id('a1'), { amountDelta: -230, reason: 'Loyalty discount' }, { now: at(10) });
  cancelled = await cancelOrder(
    services,
    id('a1'),
    { reasonCode: 'customer_request', reason: 'Changed my mind' },
    { now: at(11) },
  );
  await adjustOrderPrice(services, id('a2'), { amountDelta: 100, reason: 'Gift wrap' }, { now: at(12) });
  const last = await shipOrder(services, id('a3'), { now: at(13) });

  // No worker yet: the orders exist in the log but not in the read model.
  beforeProjection = await getOrder(id('a1'));

  worker = startProjectionWorker({ connectionString: databaseUrl, projections: PROJECTIONS, pollMs: 20 });
  await waitForProjections(last.position);
});

afterAll(async () => {
  await worker?.stop();
});

/** Follows nextCursor from the first page to the last. */
async function allPages(params: string) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res = await listOrders(`?${params}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body.orders.map((o: { orderId: string }) => o.orderId));
    cursor = res.body.nextCursor;
    expect(pages.length).toBeLessThan(20);
  } while (cursor);
  return pages;
}

describe('GET /api/orders', () => {
  it('lists every order newest first, orders placed at the same instant by id', async () => {
    const res = await listOrders();
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual(NEWEST_FIRST);
  });

  it('pages with a keyset cursor: no duplicates and no gaps, even across equal timestamps', async () => {
    // The page boundaries (after 3 and 6) fall inside the group placed at t = 2.
    expect(await allPages('limit=3')).toEqual([
      ids('b4', 'a3', 'b3'),
      ids('a2', 'd1', 'c1'),
      ids('b2', 'e1', 'b1'),
      ids('a1'),
    ]);
    // A last page that is exactly full still says there is no next one.
    expect(await allPages('limit=5')).toEqual([NEWEST_FIRST.slice(0, 5), NEWEST_FIRST.slice(5)]);
    expect(await allPages('limit=10')).toEqual([NEWEST_FIRST]);
  });

  it('returns an opaque base64url cursor of the last row', async () => {
    const res = await listOrders('?limit=2');
    expect(res.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    // The sort, its direction and the last row's key: a cursor only continues the list it came from.
    expect(JSON.parse(Buffer.from(res.body.nextCursor, 'base64url').toString())).toEqual([
      'placed',
      'desc',
      iso(5).replace('Z', '000Z'),
      id('a3'),
    ]);
  });

  it('filters by status, by customer, and by both, keeping the order and the paging', async () => {
    const orderIds = async (params: string) => (await allPages(params)).flat();
    expect(await orderIds('status=cancelled')).toEqual(ids('a1'));
    expect(await orderIds('status=shipped')).toEqual(ids('a3'));
    expect(await orderIds('status=placed&limit=2')).toEqual(
      NEWEST_FIRST.filter((x) => x !== id('a1') && x !== id('a3')),
    );
    expect(await orderIds(`customerId=${B.id}&limit=3`)).toEqual(ids('b4', 'b3', 'b2', 'b1'));
    expect(await orderIds(`customerId=${A.id}&status=placed`)).toEqual(ids('a2'));
    expect(await orderIds(`customerId=${A.id.toUpperCase()}&status=shipped`)).toEqual(ids('a3'));
    expect(await orderIds(`customerId=${customers[0]!.id}`)).toEqual([]);
    // Empty values, as a form sends them, mean "not given".
    expect(await orderIds('status=&customerId=&cursor=&limit=')).toEqual(NEWEST_FIRST);
  });

  it('shows each order with its customer name and current figures', async () => {
    const res = await listOrders(`?customerId=${A.id}`);
    expect(res.body.orders).toEqual([
      {
        orderId: id('a3'),
        customerId: A.id,
        customerName: A.name,
        status: 'shipped',
        total: 5230,
        currency: 'EUR',
        lineCount: 2,
        itemCount: 3,
        placedAt: iso(5),
        lastChangeAt: iso(13),
        lastEventType: 'OrderShipped',
        version: 2,
        position: expect.stringMatching(POSITION),
      },
      {
        orderId: id('a2'),
        customerId: A.id,
        customerName: A.name,
        status: 'placed',
        total: 8065,
        currency: 'EUR',
        lineCount: 1,
        itemCount: 1,
        placedAt: iso(3),
        lastChangeAt: iso(12),
        lastEventType: 'OrderPriceAdjusted',
        version: 2,
        position: expect.stringMatching(POSITION),
      },
      expect.objectContaining({ orderId: id('a1'), status: 'cancelled', total: 5000 }),
    ]);
  });

  it.each([
    ['status=open', 'status'],
    ['status=PLACED', 'status'],
    ['customerId=42', 'customerId'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['limit=-1', 'limit'],
  ])('answers 400 VALIDATION for %s', async (params, field) => {
    expectValidation(await listOrders(`?${params}`), { [field]: expect.any(String) });
  });

  it('answers 400 VALIDATION for every field that is wrong at once', async () => {
    const res = await listOrders('?status=lost&customerId=x&limit=1000&cursor=%%%');
    expectValidation(res, {
      status: expect.any(String),
      customerId: expect.any(String),
      limit: expect.any(String),
      cursor: expect.any(String),
    });
  });

  it('answers 400 VALIDATION for cursors it did not issue', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    const valid = (await listOrders('?limit=1')).body.nextCursor as string;
    const cursors = [
      'not a cursor',
      '!!!!',
      `${valid}=`,
      valid.slice(0, -2),
      b64('hello'),
      b64(`2026-01-10T12:00:05.000000Z|not-a-uuid`),
      b64(`2026-01-10T12:00:05Z|${id('a3')}`),
      // Well-formed but impossible dates would otherwise fail inside PostgreSQL.
      b64(`2026-13-10T12:00:05.000000Z|${id('a3')}`),
      b64(`2026-02-30T12:00:05.000000Z|${id('a3')}`),
      b64(`2026-01-10T12:00:05.000000Z|${id('a3')}|extra`),
      'x'.repeat(500),
    ];
    for (const cursor of cursors) {
      const res = await listOrders(`?cursor=${encodeURIComponent(cursor)}`);
      expectValidation(res, { cursor: expect.any(String) });
    }
  });
});

type Summary = {
  orderId: string;
  customerId: string;
  status: string;
  total: number;
  placedAt: string;
  lastChangeAt: string;
};

/** Every page from the first, following nextCursor, then every page back from the last, following prevCursor. */
async function pagesBothWays(params: string) {
  const forward: string[][] = [];
  let res = await listOrders(`?${params}`);
  expect(res.body.prevCursor).toBeNull();
  for (;;) {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    forward.push(res.body.orders.map((o: Summary) => o.orderId));
    if (!res.body.nextCursor) break;
    res = await listOrders(`?${params}&cursor=${res.body.nextCursor}`);
    expect(forward.length).toBeLessThan(20);
  }
  const backward: string[][] = [forward.at(-1)!];
  while (res.body.prevCursor) {
    res = await listOrders(`?${params}&before=${res.body.prevCursor}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    backward.unshift(res.body.orders.map((o: Summary) => o.orderId));
    expect(backward.length).toBeLessThan(20);
  }
  return { forward, backward };
}

describe('GET /api/orders: sorts, search, filters and totals', () => {
  let all: Summary[];
  const nameRank = (s: Summary) => customers.findIndex((c) => c.id === s.customerId);
  // The keys of lib/read-models/order-summaries/list.ts, written as comparisons: each ends in the order id.
  const keys: Record<string, (s: Summary) => (string | number)[]> = {
    placed: (s) => [s.placedAt, s.orderId],
    changed: (s) => [s.lastChangeAt, s.orderId],
    total: (s) => [s.total, s.orderId],
    status: (s) => [s.status, s.placedAt, s.orderId],
    customer: (s) => [nameRank(s), s.placedAt, s.orderId],
  };
  const compare = (a: (string | number)[], b: (string | number)[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  };
  const sorted = (sort: string, dir: string, rows = all) =>
    [...rows].sort((x, y) => compare(keys[sort]!(x), keys[sort]!(y)) * (dir === 'asc' ? 1 : -1)).map((s) => s.orderId);

  beforeAll(async () => {
    all = (await listOrders('?limit=100')).body.orders;
    expect(all).toHaveLength(10);
  });

  it.each(
    ['placed', 'customer', 'status', 'total', 'changed'].flatMap((sort) => [
      [sort, 'asc'],
      [sort, 'desc'],
    ]),
  )('sorts by %s %s, and its keyset pages never skip or repeat a row, forwards or back', async (sort, dir) => {
    const expected = sorted(sort, dir);
    const whole = await listOrders(`?sort=${sort}&dir=${dir}`);
    expect(whole.body.orders.map((o: Summary) => o.orderId)).toEqual(expected);
    // Pages of 3 cut through the four orders placed at the same instant.
    const { forward, backward } = await pagesBothWays(`sort=${sort}&dir=${dir}&limit=3`);
    expect(forward.flat()).toEqual(expected);
    expect(forward.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    expect(backward).toEqual(forward);
  });

  it('sorts one status by status (then placed) and pages it both ways', async () => {
    for (const dir of ['asc', 'desc']) {
      const expected = sorted(
        'status',
        dir,
        all.filter((s) => s.status === 'placed'),
      );
      const { forward, backward } = await pagesBothWays(`status=placed&sort=status&dir=${dir}&limit=3`);
      expect(forward.flat()).toEqual(expected);
      expect(backward).toEqual(forward);
    }
  });

  it('searches part of a customer name in any case, with the sort and pages kept', async () => {
    const part = A.name.slice(1, 4).toUpperCase();
    const named = customers.filter((c) => c.name.toLowerCase().includes(part.toLowerCase())).map((c) => c.id);
    const expected = sorted(
      'total',
      'desc',
      all.filter((s) => named.includes(s.customerId)),
    );
    expect(expected.length).toBeGreaterThan(0);
    const { forward } = await pagesBothWays(`q=${encodeURIComponent(part)}&sort=total&dir=desc&limit=2`);
    expect(forward.flat()).toEqual(expected);
    const res = await listOrders(`?q=${encodeURIComponent(part)}`);
    expect(res.body.total).toEqual({ count: expected.length, exact: true });
    // The customer sort reads names through the join: the same matches.
    const byName = await listOrders(`?q=${encodeURIComponent(part)}&sort=customer&dir=asc`);
    expect(byName.body.orders.map((o: Summary) => o.orderId)).toEqual(
      sorted(
        'customer',
        'asc',
        all.filter((s) => named.includes(s.customerId)),
      ),
    );
  });

  it('matches LIKE wildcards literally and finds nothing for a name nobody has', async () => {
    for (const q of ['%', '_', 'zzzz-no-such-name']) {
      const res = await listOrders(`?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body.orders).toEqual([]);
      expect(res.body.total).toEqual({ count: 0, exact: true });
    }
  });

  it('searches by a whole order id or its beginning', async () => {
    expect((await listOrders(`?q=${id('c1')}`)).body.orders.map((o: Summary) => o.orderId)).toEqual(ids('c1'));
    expect((await listOrders(`?q=${id('c1').toUpperCase()}`)).body.orders.map((o: Summary) => o.orderId)).toEqual(
      ids('c1'),
    );
    // 0x20 to 0x25: the ids that start with …00000000002.
    const prefix = await listOrders(`?q=${id('a1').slice(0, -1)}&sort=placed&dir=asc`);
    expect(prefix.body.orders.map((o: Summary) => o.orderId)).toEqual(ids('a1', 'b1', 'a2', 'b3', 'a3', 'b4'));
    expect(prefix.body.total).toEqual({ count: 6, exact: true });
    // In every sort, and page by page.
    const started = all.filter((s) => s.orderId.startsWith(id('a1').slice(0, -1)));
    for (const sort of ['customer', 'status', 'total']) {
      const { forward, backward } = await pagesBothWays(`q=${id('a1').slice(0, -1)}&sort=${sort}&dir=asc&limit=4`);
      expect(forward.flat()).toEqual(sorted(sort, 'asc', started));
      expect(backward).toEqual(forward);
    }
  });

  it('filters by the time placed (from inclusive, before exclusive) and combines the filters', async () => {
    const range = `placedFrom=${iso(2)}&placedBefore=${iso(4)}`;
    const res = await listOrders(`?${range}`);
    expect(res.body.orders.map((o: Summary) => o.orderId)).toEqual(ids('a2', 'd1', 'c1', 'b2', 'e1'));
    expect(res.body.total).toEqual({ count: 5, exact: true });
    const both = await listOrders(`?${range}&q=${encodeURIComponent(B.name)}&status=placed`);
    expect(both.body.orders.map((o: Summary) => o.orderId)).toEqual(ids('b2'));
    expect(both.body.total).toEqual({ count: 1, exact: true });
  });

  it('counts from the kept per-status counts, which follow cancels and shipments', async () => {
    expect((await listOrders('?limit=1')).body.total).toEqual({ count: 10, exact: true });
    expect((await listOrders('?status=placed')).body.total).toEqual({ count: 8, exact: true });
    expect((await listOrders('?status=cancelled')).body.total).toEqual({ count: 1, exact: true });
    expect((await listOrders('?status=shipped')).body.total).toEqual({ count: 1, exact: true });
    expect((await listOrders(`?customerId=${A.id}`)).body.total).toEqual({ count: 3, exact: true });
  });

  it.each([
    ['sort=name', 'sort'],
    ['dir=up', 'dir'],
    [`q=${'x'.repeat(101)}`, 'q'],
    ['placedFrom=yesterday', 'placedFrom'],
    ['placedBefore=2026-01-10T12:00:00', 'placedBefore'],
    [`placedFrom=${iso(4)}&placedBefore=${iso(4)}`, 'placedBefore'],
    ['cursor=abc&before=abc', 'before'],
  ])('answers 400 VALIDATION for %s', async (params, field) => {
    expectValidation(await listOrders(`?${params}`), { [field]: expect.any(String) });
  });

  it('refuses a cursor of another sort or direction', async () => {
    const cursor = (await listOrders('?limit=2')).body.nextCursor as string;
    expectValidation(await listOrders(`?sort=total&cursor=${cursor}`), { cursor: expect.any(String) });
    expectValidation(await listOrders(`?dir=asc&cursor=${cursor}`), { cursor: expect.any(String) });
    expectValidation(await listOrders(`?before=${cursor}&sort=status&dir=desc`), { before: expect.any(String) });
    const forged = Buffer.from(JSON.stringify(['status', 'asc', 'lost', iso(1), id('a1')])).toString('base64url');
    expectValidation(await listOrders(`?sort=status&dir=asc&cursor=${forged}`), { cursor: expect.any(String) });
  });
});

describe('GET /api/orders/{id}', () => {
  it('answered 404 NOT_FOUND, saying it may not be projected yet, before the projection ran', () => {
    expectError(beforeProjection, 404, 'NOT_FOUND');
    expect(beforeProjection.body.error.message).toMatch(/not projected yet/);
  });

  it('returns the cancelled order: status, total after the adjustment, and the cancel as last change', async () => {
    const res = await getOrder(id('a1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"3"');
    expect(res.body).toEqual({
      orderId: id('a1'),
      customerId: A.id,
      customerName: A.name,
      status: 'cancelled',
      total: 5000,
      currency: 'EUR',
      lineCount: 2,
      itemCount: 3,
      placedAt: iso(0),
      lastChangeAt: iso(11),
      lastEventType: 'OrderCancelled',
      version: 3,
      position: cancelled.position,
    });
    expect(cancelled.version).toBe(3);
  });

  it('accepts the id in upper case', async () => {
    const res = await getOrder(id('c1').toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId: id('c1'), customerId: C.id, total: 79650, itemCount: 10, version: 1 });
  });

  it('answers 404 NOT_FOUND for an unknown id and for ids that are not UUIDs', async () => {
    expectError(await getOrder(randomUUID()), 404, 'NOT_FOUND');
    for (const bad of ['not-a-uuid', '42', `${randomUUID()}0`, "' OR 1=1 --", '']) {
      expectError(await getOrder(bad), 404, 'NOT_FOUND');
    }
  });
});

describe('GET /api/customers/{id}/stats', () => {
  it('counts a cancellation out of orders and spent (placed + adjustments − cancelled amount)', async () => {
    // a1: 5230 − 230, then cancelled for 5000; a2: 7965 + 100; a3: 5230.
    const res = await customerStats(A.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      customerId: A.id,
      totalOrders: 2,
      totalSpent: 13_295,
      cancelledOrders: 1,
      cancelledAmount: 5_000,
      lastOrderAt: iso(5),
    });
  });

  it('sums every order of a customer', async () => {
    expect((await customerStats(B.id.toUpperCase())).body).toEqual({
      customerId: B.id,
      totalOrders: 4,
      totalSpent: 1_996,
      cancelledOrders: 0,
      cancelledAmount: 0,
      lastOrderAt: iso(6),
    });
  });

  it('gives zeros and no last order for a known customer without orders', async () => {
    const res = await customerStats(customers[0]!.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      customerId: customers[0]!.id,
      totalOrders: 0,
      totalSpent: 0,
      cancelledOrders: 0,
      cancelledAmount: 0,
      lastOrderAt: null,
    });
  });

  it('answers 404 NOT_FOUND for an unknown customer and for ids that are not UUIDs', async () => {
    expectError(await customerStats(randomUUID()), 404, 'NOT_FOUND');
    for (const bad of ['nobody', '42', `${A.id}0`, '']) expectError(await customerStats(bad), 404, 'NOT_FOUND');
  });
});

describe('GET /api/stats/customers', () => {
  const names = (res: ApiResponse) => res.body.customers.map((c: { name: string }) => c.name);
  /** Customers without orders, in name order. */
  const idle = () => customers.filter((c) => ![A, B, C, D, E].includes(c));

  it('sorts by amount spent, then by name, with zeros for customers without orders', async () => {
    const res = await statsList('?pageSize=7');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 7, total: 250 });
    // D and E both spent 499: by name.
    expect(names(res)).toEqual([C, A, B, D, E, ...idle().slice(0, 2)].map((c) => c.name));
    expect(res.body.customers[1]).toEqual({
      customerId: A.id,
      name: A.name,
      totalOrders: 2,
      totalSpent: 13_295,
      cancelledOrders: 1,
      cancelledAmount: 5_000,
      lastOrderAt: iso(5),
    });
    expect(res.body.customers[5]).toEqual({
      customerId: idle()[0]!.id,
      name: idle()[0]!.name,
      totalOrders: 0,
      totalSpent: 0,
      cancelledOrders: 0,
      cancelledAmount: 0,
      lastOrderAt: null,
    });
    // sort=spent is the default.
    expect((await statsList('?sort=spent&pageSize=7')).body).toEqual(res.body);
  });

  it('sorts by number of orders, then by name', async () => {
    const res = await statsList('?sort=orders&pageSize=6');
    // C, D and E placed one order each: by name, D and E come first.
    expect(names(res)).toEqual([B, A, D, E, C, idle()[0]!].map((c) => c.name));
    expect(res.body.customers.map((c: { totalOrders: number }) => c.totalOrders)).toEqual([4, 2, 1, 1, 1, 0]);
  });

  it('sorts by name A–Z, and by latest order with customers without orders last', async () => {
    const byName = await statsList('?sort=name&pageSize=100');
    const listed = names(byName);
    // PostgreSQL's collation, not JavaScript's: compare with the database's own order.
    const { rows } = await pool().query<{ name: string }>('SELECT name FROM customers ORDER BY name, id LIMIT 100');
    expect(listed).toEqual(rows.map((r) => r.name));

    const byLast = await statsList('?sort=last&pageSize=100');
    const last = byLast.body.customers.map((c: { lastOrderAt: string | null }) => c.lastOrderAt);
    const withOrders = last.filter((at: string | null) => at !== null);
    expect(withOrders.length).toBeGreaterThan(0);
    expect(withOrders).toEqual([...withOrders].sort().reverse());
    // Every customer with an order comes before every one without.
    expect(last.slice(0, withOrders.length)).toEqual(withOrders);
  });

  it('pages through all customers once each', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await statsList(`?sort=orders&page=${page}&pageSize=100`);
      expect(res.body).toMatchObject({ page, pageSize: 100, total: 250 });
      seen.push(...res.body.customers.map((c: { customerId: string }) => c.customerId));
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen.slice(5)).toEqual(idle().map((c) => c.id));
    const beyond = await statsList('?page=4&pageSize=100');
    expect(beyond.body).toEqual({ customers: [], page: 4, pageSize: 100, total: 250 });
  });

  it('defaults to page 1 of 25', async () => {
    const res = await statsList();
    expect(res.body).toMatchObject({ page: 1, pageSize: 25, total: 250 });
    expect(res.body.customers).toHaveLength(25);
  });

  it('searches names case-insensitively, keeps the sort, and counts only the matches', async () => {
    const bySpent = [C, A, B, D, E, ...idle()];
    const matching = (text: string) => bySpent.filter((c) => c.name.toLowerCase().includes(text.toLowerCase()));
    // All five customers with orders are "Ada …", so their order shows too.
    const first = A.name.split(' ')[0]!;
    expect(matching(first).length).toBeGreaterThan(5);
    const res = await statsList(`?q=${encodeURIComponent(`  ${first.toUpperCase()} `)}&pageSize=100`);
    expect(res.body.total).toBe(matching(first).length);
    expect(names(res)).toEqual(matching(first).map((c) => c.name));
    expect(names(res).slice(0, 5)).toEqual([C, A, B, D, E].map((c) => c.name));

    const page2 = await statsList(`?q=${first.toLowerCase()}&page=2&pageSize=4`);
    expect(page2.body.total).toBe(matching(first).length);
    expect(names(page2)).toEqual(
      matching(first)
        .slice(4, 8)
        .map((c) => c.name),
    );

    const exact = await statsList(`?q=${encodeURIComponent(A.name.toLowerCase())}`);
    expect(exact.body.customers.map((c: { customerId: string }) => c.customerId)).toEqual([A.id]);
    expect(exact.body.total).toBe(1);
  });

  it('matches LIKE wildcards in the search literally', async () => {
    // Unescaped, '%' would match everyone and 'a_a' names such as "Ada …".
    for (const q of ['%', '_', 'a_a', 'a%a', '\\']) {
      const res = await statsList(`?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ customers: [], page: 1, pageSize: 25, total: 0 });
    }
  });

  it.each([
    ['sort=price', 'sort'],
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=two', 'page'],
    ['pageSize=0', 'pageSize'],
    ['pageSize=101', 'pageSize'],
    ['pageSize=1.5', 'pageSize'],
    [`q=${'x'.repeat(101)}`, 'q'],
    ['q=%00', 'q'],
  ])('answers 400 VALIDATION for %s', async (params, field) => {
    expectValidation(await statsList(`?${params}`), { [field]: expect.any(String) });
  });
});
