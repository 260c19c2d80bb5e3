import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, call, countStream, expectError, expectValidation, type Handler } from './helpers';
import { waitForProjections } from './helpers';
import { GET as customerStatsRoute } from '../../app/api/customers/[id]/stats/route';
import { GET as customersRoute } from '../../app/api/customers/route';
import { POST as adjustRoute } from '../../app/api/orders/[id]/adjust/route';
import { GET as auditRoute } from '../../app/api/orders/[id]/audit/route';
import { POST as shipRoute } from '../../app/api/orders/[id]/ship/route';
import { GET as stateRoute } from '../../app/api/orders/[id]/state/route';
import { GET as orderRoute } from '../../app/api/orders/[id]/route';
import { GET as ordersRoute, POST as placeRoute } from '../../app/api/orders/route';
import { GET as projectionsRoute } from '../../app/api/projections/route';
import { GET as statsListRoute } from '../../app/api/stats/customers/route';
import { GET as metricsRoute } from '../../app/api/stats/metrics/route';
import { MAX_ADJUSTMENT, MAX_ORDER_TOTAL } from '../../lib/domain/order';
import { PROJECTIONS } from '../../lib/read-models';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { getOrder } from '../../lib/queries/get-order';
import { getServices } from '../../lib/server/services';
import { isolatedDatabase } from '../support/db';

// Money stays exact and bounded: the API refuses what would leave the bounds,
// and events that already hold such amounts (written before the bounds, as a
// live database has them) are set aside by every projection in the open, so
// no read answers 500 and no projection stalls. A database of its own: the
// totals below are exact.
const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;

const get = (handler: unknown, path: string, id?: string) => call(handler as Handler, path, { id });
const post = (handler: unknown, path: string, body: unknown, id?: string) =>
  call(handler as Handler, path, { method: 'POST', body, id });

const ITEMS = [{ sku: 'SKU-0001', quantity: 2 }]; // 2 × 499
const PLACED = 998;
let customerId: string;
let worker: ProjectionWorker | undefined;
let bounded: string; // an order taken to exactly MAX_ORDER_TOTAL through the API
let legacy: string; // an order whose later events hold amounts no decision could write
let lastPosition: string;

async function place() {
  const res = await post(placeRoute, '/api/orders', { customerId, items: ITEMS, shippingAddress: address() });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { orderId: string; position: string };
}

/** Appends straight to the store, past decide(): what the app wrote before money had bounds. */
async function appendLegacy(orderId: string, expectedVersion: number, type: string, data: Record<string, unknown>) {
  const result = await getServices().store.append(
    `order-${orderId}`,
    [{ type, data: { orderId, ...data }, metadata: { commandType: 'legacy' }, occurredAt: new Date() }],
    { expectedVersion, streamType: 'order' },
  );
  return result.position;
}

beforeAll(async () => {
  const { body } = await get(customersRoute, '/api/customers');
  customerId = (body.customers as { id: string }[])[0]!.id;

  bounded = (await place()).orderId;
  legacy = (await place()).orderId;
  // Repeated maximal adjustments under the old rule (any safe integer): past 2^53, then past bigint.
  const big = Number.MAX_SAFE_INTEGER;
  await appendLegacy(legacy, 1, 'OrderPriceAdjusted', {
    amountDelta: big,
    reason: 'legacy',
    previousTotal: PLACED,
    newTotal: PLACED + big,
    adjustedAt: new Date().toISOString(),
  });
  await appendLegacy(legacy, 2, 'OrderPriceAdjusted', {
    amountDelta: big,
    reason: 'legacy',
    previousTotal: PLACED + big,
    newTotal: PLACED + 2 * big,
    adjustedAt: new Date().toISOString(),
  });
  await appendLegacy(legacy, 3, 'OrderPriceAdjusted', {
    amountDelta: big,
    reason: 'legacy',
    previousTotal: 1e19,
    newTotal: 1e19 + big,
    adjustedAt: new Date().toISOString(),
  });
  lastPosition = await appendLegacy(legacy, 4, 'OrderCancelled', {
    reason: 'legacy',
    amount: 1e19 + big,
    cancelledAt: new Date().toISOString(),
  });
  worker = startProjectionWorker({ connectionString: databaseUrl, projections: PROJECTIONS, pollMs: 20 });
});

afterAll(async () => {
  await worker?.stop();
});

describe('the API keeps money inside its bounds', () => {
  it('adjusts a total up to exactly MAX_ORDER_TOTAL, then refuses one minor unit more with 409, writing nothing', async () => {
    const path = `/api/orders/${bounded}/adjust`;
    const up = await post(adjustRoute, path, { amountDelta: MAX_ORDER_TOTAL - PLACED, reason: 'Contract' }, bounded);
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const over = await post(adjustRoute, path, { amountDelta: 1, reason: 'One more cent' }, bounded);
    expectError(over, 409, 'RULE_VIOLATION', { rule: 'ORDER_TOTAL_TOO_LARGE' });
    const repeated = await post(adjustRoute, path, { amountDelta: MAX_ADJUSTMENT, reason: 'Again' }, bounded);
    expect(repeated.body.error.rule).toBe('ORDER_TOTAL_TOO_LARGE');
    expect(await countStream(bounded)).toBe(2);
  });

  it('refuses a single adjustment past MAX_ADJUSTMENT as invalid input (400), writing nothing', async () => {
    for (const amountDelta of [MAX_ADJUSTMENT + 1, -(MAX_ADJUSTMENT + 1), Number.MAX_SAFE_INTEGER]) {
      const res = await post(adjustRoute, `/api/orders/${bounded}/adjust`, { amountDelta, reason: 'Typo' }, bounded);
      expectValidation(res, { amountDelta: expect.stringContaining(String(MAX_ADJUSTMENT)) });
    }
    expect(await countStream(bounded)).toBe(2);
  });
});

describe('amounts no decision could write, already in the log', () => {
  beforeAll(async () => {
    // Throws if any projection reports an error: none may stall on them.
    await waitForProjections(lastPosition);
  });

  it('are set aside by every projection, in the open, and the projections carry on', async () => {
    const { body } = await get(projectionsRoute, '/api/projections');
    for (const p of body.projections as Array<Record<string, unknown>>) {
      expect(p).toMatchObject({ setAsideEvents: 4, lastError: null, lagEvents: 0 });
      expect(p.lastSetAside).toMatchObject({
        streamId: `order-${legacy}`,
        streamVersion: 5,
        eventType: 'OrderCancelled',
      });
      expect((p.lastSetAside as { reason: string }).reason).toContain('amount');
    }
  });

  it('leave every read answering, with totals made only of amounts the domain accepts', async () => {
    const list = await get(ordersRoute, '/api/orders?limit=10');
    expect(list.status).toBe(200);
    const rows = new Map((list.body.orders as Array<{ orderId: string }>).map((o) => [o.orderId, o]));
    expect(rows.get(legacy)).toMatchObject({ total: PLACED, status: 'placed' });
    expect(rows.get(bounded)).toMatchObject({ total: MAX_ORDER_TOTAL });
    expect((await get(orderRoute, `/api/orders/${legacy}`, legacy)).status).toBe(200);

    const spent = MAX_ORDER_TOTAL + PLACED;
    const stats = await get(customerStatsRoute, `/api/customers/${customerId}/stats`, customerId);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ totalOrders: 2, totalSpent: spent, cancelledOrders: 0, cancelledAmount: 0 });
    const live = await get(statsListRoute, '/api/stats/customers?sort=spent');
    expect(live.status).toBe(200);
    expect(live.body.customers[0]).toMatchObject({ customerId, totalSpent: spent });
    // The historic view folds the log in SQL: it leaves the same events out.
    const historic = await get(statsListRoute, `/api/stats/customers?sort=spent&at=${new Date().toISOString()}`);
    expect(historic.status, JSON.stringify(historic.body)).toBe(200);
    expect(historic.body.customers[0]).toMatchObject({ customerId, totalSpent: spent, totalOrders: 2 });

    const metrics = await get(metricsRoute, '/api/stats/metrics?minutes=60');
    expect(metrics.status).toBe(200);
    const revenue = (metrics.body.minutes as Array<{ revenue: number }>).reduce((sum, m) => sum + m.revenue, 0);
    expect(revenue).toBe(spent);
  });

  it('stop the order where its history stops holding together: shown up to there, and no command is taken', async () => {
    const view = await getOrder(getServices().store, legacy);
    expect(view.order).toMatchObject({ status: 'placed', total: PLACED });
    expect(view.refused).toMatchObject({ version: 2, eventType: 'OrderPriceAdjusted' });

    const before = await countStream(legacy);
    const ship = await post(shipRoute, `/api/orders/${legacy}/ship`, {}, legacy);
    expectError(ship, 409, 'RULE_VIOLATION', { rule: 'ORDER_HISTORY_INVALID' });
    expect(await countStream(legacy)).toBe(before);

    expect((await get(stateRoute, `/api/orders/${legacy}/state?version=1`, legacy)).status).toBe(200);
    expectError(await get(stateRoute, `/api/orders/${legacy}/state?version=3`, legacy), 404, 'NOT_FOUND');
    const audit = await get(auditRoute, `/api/orders/${legacy}/audit`, legacy);
    expect(audit.status).toBe(200);
    expect(audit.body.entries[1].replayError).toContain('amountDelta');
  });
});
