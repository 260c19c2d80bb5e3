import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, UUID, type Handler } from './helpers';
import { GET as catalog } from '../../app/api/catalog/route';
import { GET as customers } from '../../app/api/customers/route';
import { GET as health } from '../../app/api/health/route';
import { GET as orderEvents } from '../../app/api/orders/[id]/events/route';
import { probe } from '../../lib/http/health';
import { AppError } from '../../lib/errors';
import { getServices } from '../../lib/server/services';
import { GET as live } from '../../app/api/health/live/route';
import { GET as ready } from '../../app/api/health/ready/route';
import { readiness } from '../../lib/http/readiness';
import { shippedMigrations } from '../../lib/db/migration-status';
import { registerWorker } from '../../lib/projections/worker-health';
import pg from 'pg';
import { captureLogs } from '../support/logs';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /api/catalog', () => {
  it('lists the 60 seeded EUR products by SKU with exactly the public fields', async () => {
    const res = await call(catalog as Handler, '/api/catalog');
    expect(res.status).toBe(200);
    const products = res.body.products as Array<Record<string, unknown>>;
    expect(products).toHaveLength(60);
    expect(products[0]).toEqual({ sku: 'SKU-0001', name: 'Classic Backpack', unitPrice: 499, currency: 'EUR' });
    expect(products[59]).toEqual({ sku: 'SKU-0060', name: 'Ultra Notebook', unitPrice: 6246, currency: 'EUR' });
    expect(products.map((p) => p.sku)).toEqual(
      Array.from({ length: 60 }, (_, i) => `SKU-${String(i + 1).padStart(4, '0')}`),
    );
    expect(new Set(products.map((p) => p.currency))).toEqual(new Set(['EUR']));
  });
});

describe('GET /api/customers', () => {
  it('lists the 250 seeded customers as { id, name } only', async () => {
    const res = await call(customers as Handler, '/api/customers');
    expect(res.status).toBe(200);
    const list = res.body.customers as Array<Record<string, unknown>>;
    expect(list).toHaveLength(250);
    for (const customer of list) {
      expect(Object.keys(customer).sort()).toEqual(['id', 'name']);
      expect(customer.id).toMatch(UUID);
    }
    expect(new Set(list.map((c) => c.id)).size).toBe(250);
    expect(list.map((c) => c.name)).toContain('Ada Andersen');
  });
});

describe('GET /api/health', () => {
  it('answers 200 ok while the database answers SELECT 1', async () => {
    const res = await call(health as Handler, '/api/health');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 unavailable when the database query fails', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(getServices().pool, 'query').mockImplementationOnce((() =>
      Promise.reject(new Error('connect ECONNREFUSED'))) as never);
    const res = await call(health as Handler, '/api/health');
    expect(res).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('gives up on a database that never answers', async () => {
    const logs = captureLogs();
    const started = Date.now();
    await expect(probe(() => new Promise(() => {}), 50)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(probe(async () => 1, 50)).resolves.toBe(true);
    logs.restore();
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ component: 'health', msg: 'health check failed', err: 'no answer within 50 ms' }),
    );
  });
});

describe('health for orchestrators', () => {
  it('answers liveness without looking further', async () => {
    const res = await call(live as Handler, '/api/health/live', { as: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'live' });
  });

  it('is ready with the database up and every shipped migration applied', async () => {
    const res = await call(ready as Handler, '/api/health/ready', { as: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ready',
      failed: [],
      checks: { database: { ok: true }, migrations: { ok: true, pending: [] }, worker: { ok: true, inProcess: false } },
    });
    expect(shippedMigrations().length).toBeGreaterThan(5);
  });

  it('answers 503 naming the stuck worker of this process', async () => {
    const unregister = registerWorker({ id: 'test-worker', stopped: () => false, lastTurn: () => Date.now() - 60_000 });
    try {
      const res = await call(ready as Handler, '/api/health/ready', { as: null });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body).toMatchObject({
        status: 'not_ready',
        failed: ['worker'],
        checks: { worker: { ok: false, inProcess: true, workers: [{ id: 'test-worker', running: false }] } },
      });
    } finally {
      unregister();
    }
  });

  it('says the database is down, and leaves the migrations unchecked', async () => {
    const logs = captureLogs();
    // A port nothing listens on: the connection is refused.
    const down = new pg.Pool({ connectionString: 'postgresql://nobody:pw@127.0.0.1:1/none', max: 1 });
    try {
      const body = await readiness(down);
      expect(body.status).toBe('not_ready');
      expect(body.failed).toEqual(['database', 'migrations']);
      expect(body.checks.database.error).toMatch(/ECONNREFUSED|connect/);
      expect(body.checks.migrations.error).toMatch(/not checked/);
    } finally {
      logs.restore();
      await down.end();
    }
  });
});

describe('unexpected errors', () => {
  it('answer 500 INTERNAL with no detail and log the error on the server', async () => {
    const logs = captureLogs();
    const boom = new Error('relation "secret_table" does not exist');
    vi.spyOn(getServices().store, 'readStream').mockRejectedValueOnce(boom);
    const id = randomUUID();
    const res = await call(orderEvents as Handler, `/api/orders/${id}/events`, { id });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(JSON.stringify(res.body)).not.toContain('secret_table');
    logs.restore();
    const failed = logs.entries().filter((e) => e.msg === 'request failed');
    expect(failed).toEqual([
      expect.objectContaining({
        component: 'api',
        method: 'GET',
        path: `/api/orders/${id}/events`,
        err: expect.objectContaining({ message: boom.message, stack: expect.any(String) }),
      }),
    ]);
  });

  it('keep the message of an AppError coded INTERNAL to the log as well', async () => {
    const logs = captureLogs();
    vi.spyOn(getServices().store, 'readStream').mockRejectedValueOnce(
      new AppError('INTERNAL', 'pool exhausted at db-7'),
    );
    const id = randomUUID();
    const res = await call(orderEvents as Handler, `/api/orders/${id}/events`, { id });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    logs.restore();
    const failed = logs.entries().filter((e) => e.msg === 'request failed');
    expect(failed).toEqual([
      expect.objectContaining({ err: expect.objectContaining({ message: 'pool exhausted at db-7' }) }),
    ]);
  });
});
