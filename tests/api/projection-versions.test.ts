import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, call, expectError, expectValidation, waitForProjections, type Handler } from './helpers';
import { GET as customersRoute } from '../../app/api/customers/route';
import { GET as operationsRoute } from '../../app/api/operations/route';
import { GET as ordersRoute, POST as placeRoute } from '../../app/api/orders/route';
import { POST as cancelRoute } from '../../app/api/orders/[id]/cancel/route';
import { GET as projectionsRoute } from '../../app/api/projections/route';
import { GET as compareRoute } from '../../app/api/projections/[name]/compare/route';
import { POST as rebuildRoute } from '../../app/api/projections/[name]/rebuild/route';
import { POST as rollbackRoute } from '../../app/api/projections/[name]/rollback/route';
import { DELETE as retireRoute } from '../../app/api/projections/[name]/versions/[version]/route';
import { POST as retryRoute } from '../../app/api/projections/[name]/versions/[version]/retry/route';
import { POST as skipRoute } from '../../app/api/projections/[name]/versions/[version]/skip/route';
import { POST as switchRoute } from '../../app/api/projections/[name]/versions/[version]/switch/route';
import { GET as customerStatsRoute } from '../../app/api/stats/customers/route';
import { GET as metricsRoute } from '../../app/api/stats/metrics/route';
import type { Role } from '../../lib/auth/permissions';
import { OPERATIONS_STREAM_ID } from '../../lib/projections/operations-log';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { PROJECTIONS } from '../../lib/read-models';
import { getServices } from '../../lib/server/services';
import { isolatedDatabase } from '../support/db';

// The versions API over the real read models: order_metrics v2 (cancellations
// by reason) builds beside v1; every status the routes answer; and a rebuild
// under live command load while a reader polls, which never sees fewer rows.
const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;

let worker: ProjectionWorker | undefined;
let customers: string[] = [];
let last = '0:0';

const operationsCount = async () => {
  const { rows } = await getServices().pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM events WHERE stream_id = $1',
    [OPERATIONS_STREAM_ID],
  );
  return rows[0]!.n;
};

type Version = { version: number; state: string; lagEvents: number; rebuild: unknown; progress: number };
const versionsOf = async (name: string): Promise<Version[]> =>
  (
    (await call(projectionsRoute as Handler, '/api/projections')).body.projections as Array<{
      name: string;
      versions: Version[];
    }>
  ).find((p) => p.name === name)?.versions ?? [];

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
  }
}

const path = (name: string, rest = '') => `/api/projections/${name}${rest}`;
const rebuild = (name: string, body?: unknown, as: Role = 'operator') =>
  call(rebuildRoute as Handler, path(name, '/rebuild'), { method: 'POST', body, as, params: { name } });
const compare = (name: string, query: string, as: Role = 'operator') =>
  call(compareRoute as Handler, `${path(name, '/compare')}?${query}`, { as, params: { name } });
const switchTo = (name: string, version: string, body?: unknown, as: Role = 'operator') =>
  call(switchRoute as Handler, path(name, `/versions/${version}/switch`), {
    method: 'POST',
    body,
    as,
    params: { name, version },
  });
const rollback = (name: string, body?: unknown, as: Role = 'operator') =>
  call(rollbackRoute as Handler, path(name, '/rollback'), { method: 'POST', body, as, params: { name } });
const retire = (name: string, version: string, body?: unknown, as: Role = 'operator') =>
  call(retireRoute as Handler, path(name, `/versions/${version}`), {
    method: 'DELETE',
    body,
    as,
    params: { name, version },
  });

async function place(customerId: string) {
  const res = await call(placeRoute as Handler, '/api/orders', {
    body: { customerId, items: [{ sku: 'SKU-0002', quantity: 2 }], shippingAddress: address() },
  });
  expect(res.status).toBe(201);
  last = res.body.position;
  return res.body.orderId as string;
}

beforeAll(async () => {
  customers = ((await call(customersRoute as Handler, '/api/customers')).body.customers as { id: string }[])
    .slice(0, 5)
    .map((c) => c.id);
  for (let i = 0; i < 20; i++) {
    const orderId = await place(customers[i % customers.length]!);
    if (i % 4 === 0) {
      const res = await call(cancelRoute as Handler, `/api/orders/${orderId}/cancel`, {
        body: { reasonCode: i % 8 === 0 ? 'out_of_stock' : 'customer_request', reason: 'test' },
        params: { id: orderId },
      });
      expect(res.status).toBe(200);
      last = res.body.position;
    }
  }
  worker = startProjectionWorker({ connectionString: databaseUrl, projections: PROJECTIONS, pollMs: 20 });
  await waitForProjections(last);
});

afterAll(async () => {
  await worker?.stop();
});

describe('projection versions over the API', () => {
  it('lists every version with its state: order_metrics v2 built beside v1, which serves', async () => {
    const versions = await versionsOf('order_metrics');
    expect(versions.map((v) => [v.version, v.state])).toEqual([
      [1, 'serving'],
      [2, 'ready'],
    ]);
    expect(versions[1]).toMatchObject({ lagEvents: 0, progress: 1, rebuild: null });
    const { body } = await call(metricsRoute as Handler, '/api/stats/metrics');
    expect(body.cancellationsByReason).toBeNull();
  });

  it('answers 401, 403, 404, 400 and 409 as it should, and a refusal writes nothing', async () => {
    const before = await operationsCount();
    const unsigned = await call(rebuildRoute as Handler, path('order_metrics', '/rebuild'), {
      method: 'POST',
      as: null,
      params: { name: 'order_metrics' },
    });
    expectError(unsigned, 401, 'UNAUTHENTICATED');
    for (const role of ['viewer', 'clerk'] as const) {
      expectError(await rebuild('order_metrics', {}, role), 403, 'FORBIDDEN');
      expectError(await compare('order_metrics', 'b=2', role), 403, 'FORBIDDEN');
      expectError(await switchTo('order_metrics', '2', {}, role), 403, 'FORBIDDEN');
      expectError(await rollback('order_metrics', { reason: 'x' }, role), 403, 'FORBIDDEN');
      expectError(await retire('order_metrics', '2', {}, role), 403, 'FORBIDDEN');
    }
    for (const name of ['nope', 'order_metrics_v1', 'ORDER_METRICS']) {
      expectError(await rebuild(name, {}), 404, 'NOT_FOUND');
      expectError(await compare(name, 'a=1&b=2'), 404, 'NOT_FOUND');
      expectError(await switchTo(name, '1'), 404, 'NOT_FOUND');
      expectError(await rollback(name, { reason: 'x' }), 404, 'NOT_FOUND');
      expectError(await retire(name, '1'), 404, 'NOT_FOUND');
    }
    for (const version of ['3', '0', 'x', '1.5', '-1']) {
      expectError(await switchTo('order_metrics', version), 404, 'NOT_FOUND');
      expectError(await retire('order_metrics', version), 404, 'NOT_FOUND');
    }
    expectError(await rebuild('order_metrics', { version: 9 }), 404, 'NOT_FOUND');
    expectError(await compare('order_metrics', 'a=1&b=9'), 404, 'NOT_FOUND');
    expectValidation(await compare('order_metrics', 'a=1'), { b: expect.any(String) });
    expectValidation(await compare('order_metrics', 'a=x&b=2'), { a: expect.any(String) });
    expectValidation(await compare('order_metrics', 'a=2&b=2'), { b: expect.any(String) });
    expectValidation(await switchTo('order_metrics', '2', { override: 'yes' }), { override: expect.any(String) });
    expectValidation(await switchTo('order_metrics', '2', { override: true }), { reason: expect.any(String) });
    expectValidation(await rollback('order_metrics', {}), { reason: expect.any(String) });
    expectValidation(await rollback('order_metrics', { reason: '   ' }), { reason: expect.any(String) });

    const rule = (res: { status: number; body: { error: { rule?: string } } }) => [res.status, res.body.error.rule];
    expect(rule(await switchTo('order_metrics', '1'))).toEqual([409, 'ALREADY_SERVING']);
    expect(rule(await retire('order_metrics', '1'))).toEqual([409, 'VERSION_SERVING']);
    expect(rule(await rollback('order_metrics', { reason: 'x' }))).toEqual([409, 'NOTHING_TO_ROLL_BACK']);
    const retry = await call(retryRoute as Handler, path('order_metrics', '/versions/2/retry'), {
      method: 'POST',
      params: { name: 'order_metrics', version: '2' },
      as: 'operator',
    });
    expect(rule(retry)).toEqual([409, 'NOT_FAILING']);
    const skip = await call(skipRoute as Handler, path('order_metrics', '/versions/2/skip'), {
      method: 'POST',
      body: { position: '1:1', reason: 'x' },
      params: { name: 'order_metrics', version: '2' },
      as: 'operator',
    });
    expect(rule(skip)).toEqual([409, 'NOT_FAILING']);
    // A version still building cannot serve (made so by hand: v2 is long caught up here).
    await getServices().pool.query(
      `UPDATE projection_checkpoints SET caught_up_at = NULL WHERE name = 'order_metrics' AND version = 2`,
    );
    expect(rule(await switchTo('order_metrics', '2'))).toEqual([409, 'VERSION_NOT_READY']);
    expect((await versionsOf('order_metrics'))[1]!.state).toBe('building');
    await getServices().pool.query(
      `UPDATE projection_checkpoints SET caught_up_at = now() WHERE name = 'order_metrics' AND version = 2`,
    );
    expect(await operationsCount()).toBe(before);
  });

  it('compares, switches to v2 (the dashboard then counts cancellations by reason) and rolls back', async () => {
    const report = await compare('order_metrics', 'a=1&b=2');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ name: 'order_metrics', a: 1, b: 2, passed: true });
    expect(report.body.notCompared).toEqual([{ view: 'reasons', onlyIn: 2 }]);
    expect(report.body.views.map((v: { view: string }) => v.view)).toEqual(['minutes', 'statuses']);

    const switched = await switchTo('order_metrics', '2', { reason: 'cancellations by reason' });
    expect(switched.status).toBe(200);
    expect(switched.body.serving).toEqual({ name: 'order_metrics', version: 2, previousVersion: 1 });
    const { body } = await call(metricsRoute as Handler, '/api/stats/metrics');
    const reasons = body.cancellationsByReason as Array<{ reasonCode: string; orders: number }>;
    expect(reasons.find((r) => r.reasonCode === 'out_of_stock')?.orders).toBe(3);
    expect(reasons.find((r) => r.reasonCode === 'customer_request')?.orders).toBe(2);
    expect((await versionsOf('order_metrics')).map((v) => v.state)).toEqual(['previous', 'serving']);

    const back = await rollback('order_metrics', { reason: 'checking the rollback' });
    expect(back.status).toBe(200);
    expect(back.body.serving).toEqual({ name: 'order_metrics', version: 1, previousVersion: 2 });
    expect((await call(metricsRoute as Handler, '/api/stats/metrics')).body.cancellationsByReason).toBeNull();

    const { body: log } = await call(operationsRoute as Handler, '/api/operations');
    expect(log.operations.slice(0, 4).map((o: { type: string }) => o.type)).toEqual([
      'ProjectionRolledBack',
      'ProjectionSwitched',
      'ProjectionsCompared',
      'ProjectionsCompared',
    ]);
    expect(log.operations[0]).toMatchObject({
      actor: { name: expect.any(String) },
      data: { projection: 'order_metrics', from: 2, to: 1, reason: 'checking the rollback' },
    });
  });

  it('rebuilds order_summaries and customer_stats under live commands while a reader never sees fewer rows', async () => {
    let stop = false;
    const failures: string[] = [];
    let readings = 0;
    const orders = async () => {
      let count = 0;
      let cursor: string | null = null;
      do {
        const res = await call(ordersRoute as Handler, `/api/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        if (res.status !== 200) failures.push(`orders ${res.status}`);
        count += (res.body.orders ?? []).length;
        cursor = res.body.nextCursor ?? null;
      } while (cursor);
      return count;
    };
    const placedOrders = async () => {
      const res = await call(customerStatsRoute as Handler, '/api/stats/customers?pageSize=100');
      if (res.status !== 200) failures.push(`customers ${res.status}`);
      return (res.body.customers as Array<{ totalOrders: number; cancelledOrders: number }>).reduce(
        (sum, c) => sum + c.totalOrders + c.cancelledOrders,
        0,
      );
    };
    const reader = (async () => {
      let seen = { orders: 0, placed: 0 };
      while (!stop) {
        const now = { orders: await orders(), placed: await placedOrders() };
        readings++;
        if (now.orders < seen.orders || now.placed < seen.placed) {
          failures.push(`went back from ${JSON.stringify(seen)} to ${JSON.stringify(now)}`);
        }
        seen = now;
      }
    })();
    const writer = (async () => {
      for (let i = 0; !stop; i++) await place(customers[i % customers.length]!);
    })();

    for (const name of ['order_summaries', 'customer_stats']) {
      const res = await rebuild(name, { reason: 'after a fix' });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ operationId: expect.stringMatching(/^operations-projections\/\d+$/), version: 1 });
      expect((await rebuild(name)).body.error.rule).toBe('REBUILD_IN_PROGRESS');
    }
    await until('both rebuilds took over', async () => {
      const all = [...(await versionsOf('order_summaries')), ...(await versionsOf('customer_stats'))];
      return all.every((v) => v.rebuild === null);
    });
    stop = true;
    await Promise.all([reader, writer]);
    expect(failures).toEqual([]);
    expect(readings).toBeGreaterThan(3);
    await waitForProjections(last);
    const { rows } = await getServices().pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE event_type = $1',
      ['OrderPlaced'],
    );
    expect(await orders()).toBe(rows[0]!.n);
    const { body: log } = await call(operationsRoute as Handler, '/api/operations');
    expect(log.operations.filter((o: { type: string }) => o.type === 'ProjectionRebuilt')).toHaveLength(2);
  }, 60_000);
});
