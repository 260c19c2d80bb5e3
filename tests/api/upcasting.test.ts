import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, call, countStream, expectError, pool, type Handler } from './helpers';
import { waitForProjections } from './helpers';
import { GET as customersRoute } from '../../app/api/customers/[id]/stats/route';
import { GET as customerListRoute } from '../../app/api/customers/route';
import { GET as recentRoute } from '../../app/api/events/recent/route';
import { POST as adjustRoute } from '../../app/api/orders/[id]/adjust/route';
import { GET as auditCsvRoute } from '../../app/api/orders/[id]/audit.csv/route';
import { GET as auditRoute } from '../../app/api/orders/[id]/audit/route';
import { POST as cancelRoute } from '../../app/api/orders/[id]/cancel/route';
import { GET as eventsRoute } from '../../app/api/orders/[id]/events/route';
import { GET as stateRoute } from '../../app/api/orders/[id]/state/route';
import { GET as verifyRoute } from '../../app/api/orders/[id]/verify/route';
import { GET as orderRoute } from '../../app/api/orders/[id]/route';
import { POST as placeRoute } from '../../app/api/orders/route';
import { GET as statsListRoute } from '../../app/api/stats/customers/route';
import { createUpcasting, eventCensus } from '../../lib/event-store';
import { EVENT_SCHEMAS, readAsAppEvent } from '../../lib/event-schemas';
import { PROJECTIONS } from '../../lib/read-models';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { getOrder } from '../../lib/queries/get-order';
import { getServices } from '../../lib/server/services';
import { isolatedDatabase } from '../support/db';

// A database that already holds events written before OrderCancelled gained
// its reasonCode (schema v1), read on every path: each must see the current
// shape, none may fail, and the stored rows (and their hashes) stay as they were.
const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;

const get = (handler: unknown, path: string, id?: string) => call(handler as Handler, path, { id });
const post = (handler: unknown, path: string, body: unknown, id?: string) =>
  call(handler as Handler, path, { method: 'POST', body, id });

let customerId: string;
let oldOrder: string; // cancelled by a v1 event
let newOrder: string; // cancelled through today's API, with a code
let worker: ProjectionWorker | undefined;
let lastPosition: string;

beforeAll(async () => {
  customerId = ((await get(customerListRoute, '/api/customers')).body.customers as { id: string }[])[3]!.id;
  const place = async () => {
    const res = await post(placeRoute, '/api/orders', {
      customerId,
      items: [{ sku: 'SKU-0001', quantity: 1 }],
      shippingAddress: address(),
    });
    expect(res.status).toBe(201);
    return res.body.orderId as string;
  };
  oldOrder = await place();
  newOrder = await place();
  // What the code before reason codes wrote: schema version 1, no reasonCode.
  await getServices().store.append(
    `order-${oldOrder}`,
    [
      {
        type: 'OrderCancelled',
        schemaVersion: 1,
        data: { orderId: oldOrder, reason: 'Changed my mind', amount: 499, cancelledAt: new Date().toISOString() },
        metadata: { commandType: 'CancelOrder' },
      },
    ],
    { expectedVersion: 1, streamType: 'order' },
  );
  const cancelled = await post(
    cancelRoute,
    `/api/orders/${newOrder}/cancel`,
    { reason: 'No stock left', reasonCode: 'out_of_stock' },
    newOrder,
  );
  expect(cancelled.status).toBe(200);
  lastPosition = cancelled.body.position;
  worker = startProjectionWorker({ connectionString: databaseUrl, projections: PROJECTIONS, pollMs: 20 });
  await waitForProjections(lastPosition);
});

afterAll(async () => {
  await worker?.stop();
});

describe('events stored in an older shape, on every read path', () => {
  it('the stored row keeps its shape and its hash', async () => {
    const { rows } = await pool().query(
      `SELECT schema_version, data ? 'reasonCode' AS has_code FROM events WHERE stream_id = $1 AND stream_version = 2`,
      [`order-${oldOrder}`],
    );
    expect(rows[0]).toEqual({ schema_version: 1, has_code: false });
    expect((await get(verifyRoute, `/api/orders/${oldOrder}/verify`, oldOrder)).body).toMatchObject({ ok: true });
  });

  it('commands: the decider folds it (a cancelled order refuses an adjustment by rule, not with a 500)', async () => {
    const res = await post(adjustRoute, `/api/orders/${oldOrder}/adjust`, { amountDelta: -1, reason: 'x' }, oldOrder);
    expectError(res, 409, 'RULE_VIOLATION', { rule: 'ORDER_CANCELLED' });
    expect(await countStream(oldOrder)).toBe(2);
  });

  it('the order page: the state has the code', async () => {
    const view = await getOrder(getServices().store, oldOrder);
    expect(view.order).toMatchObject({ status: 'cancelled', cancelReasonCode: 'not_recorded' });
    expect(view.events[1]).toMatchObject({ schemaVersion: 2, storedSchemaVersion: 1 });
  });

  it('the events API: current shape, with the stored version beside it', async () => {
    const { body } = await get(eventsRoute, `/api/orders/${oldOrder}/events`, oldOrder);
    expect(body.events[1]).toMatchObject({
      type: 'OrderCancelled',
      schemaVersion: 2,
      storedSchemaVersion: 1,
      data: { reasonCode: 'not_recorded', reason: 'Changed my mind' },
    });
  });

  it('the audit timeline, its CSV, and state as of a version', async () => {
    const timeline = (await get(auditRoute, `/api/orders/${oldOrder}/audit`, oldOrder)).body;
    expect(timeline.entries[1].replayError).toBeNull();
    expect(timeline.entries[1].details).toContain('Reason code: Not recorded');
    expect(timeline.entries[1].stateAfter).toMatchObject({ cancelReasonCode: 'not_recorded' });
    const csv = (await get(auditCsvRoute, `/api/orders/${oldOrder}/audit.csv`, oldOrder)).body as string;
    expect(csv).toContain('Reason code: Not recorded');
    const state = await get(stateRoute, `/api/orders/${oldOrder}/state?version=2`, oldOrder);
    expect(state.body.order).toMatchObject({ status: 'cancelled', cancelReasonCode: 'not_recorded' });
  });

  it('the projections, live and historic, and the live feed', async () => {
    expect((await get(orderRoute, `/api/orders/${oldOrder}`, oldOrder)).body).toMatchObject({ status: 'cancelled' });
    const live = (await get(customersRoute, `/api/customers/${customerId}/stats`, customerId)).body;
    expect(live).toMatchObject({ totalOrders: 0, cancelledOrders: 2, cancelledAmount: 998, totalSpent: 0 });
    const historic = await get(statsListRoute, `/api/stats/customers?at=${new Date().toISOString()}&sort=orders`);
    expect(historic.status).toBe(200);
    const row = (historic.body.customers as Array<{ customerId: string }>).find((c) => c.customerId === customerId);
    expect(row).toMatchObject({ cancelledOrders: 2, cancelledAmount: 998 });
    const feed = (await get(recentRoute, '/api/events/recent?limit=5')).body.events as Array<{
      orderId: string;
      summary: string;
    }>;
    expect(feed.find((e) => e.orderId === oldOrder)?.summary).toContain('Not recorded');
    expect(feed.find((e) => e.orderId === newOrder)?.summary).toContain('Out of stock');
  });

  it('the SQL upcast gives the same shape as the TypeScript one', async () => {
    const { rows } = await pool().query<{ type: string; version: number; stored: object; upcast: object }>(
      `SELECT event_type AS type, schema_version AS version, data AS stored,
              ledgerline_order_event_data(event_type, schema_version, data) AS upcast
         FROM events WHERE stream_id = ANY($1::text[])`,
      [[`order-${oldOrder}`, `order-${newOrder}`]],
    );
    const upcasting = createUpcasting(EVENT_SCHEMAS);
    expect(rows.some((r) => r.version === 1 && r.type === 'OrderCancelled')).toBe(true);
    for (const row of rows) {
      expect(row.upcast).toEqual(upcasting.upcastData('order', row.type, row.version, row.stored as never).data);
    }
  });

  it('the census finds the old shape and proves it reads', async () => {
    const rows = await eventCensus(pool(), createUpcasting(EVENT_SCHEMAS), readAsAppEvent);
    expect(rows).toContainEqual({
      streamType: 'order',
      eventType: 'OrderCancelled',
      schemaVersion: 1,
      events: 1,
      problem: null,
    });
    expect(rows.every((r) => r.problem === null)).toBe(true);
  });
});

describe('the census', () => {
  it('names a stored shape that no upcaster reaches', async () => {
    const store = getServices().store;
    await store.append(
      'order-census-probe',
      [{ type: 'OrderShipped', schemaVersion: 9, data: { orderId: 'x', shippedAt: 'now' } }],
      {
        expectedVersion: 0,
        streamType: 'order',
      },
    );
    const census = await eventCensus(pool(), createUpcasting(EVENT_SCHEMAS), readAsAppEvent);
    expect(census).toContainEqual(
      expect.objectContaining({
        eventType: 'OrderShipped',
        schemaVersion: 9,
        problem: expect.stringContaining('newer than'),
      }),
    );
  });
});
