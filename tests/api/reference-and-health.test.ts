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
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const started = Date.now();
    await expect(probe(() => new Promise(() => {}), 50)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(probe(async () => 1, 50)).resolves.toBe(true);
  });
});

describe('unexpected errors', () => {
  it('answer 500 INTERNAL with no detail and log the error on the server', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const boom = new Error('relation "secret_table" does not exist');
    vi.spyOn(getServices().store, 'readStream').mockRejectedValueOnce(boom);
    const id = randomUUID();
    const res = await call(orderEvents as Handler, `/api/orders/${id}/events`, { id });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(JSON.stringify(res.body)).not.toContain('secret_table');
    expect(logged).toHaveBeenCalledWith(`[api] GET /api/orders/${id}/events failed:`, boom);
  });

  it('keep the message of an AppError coded INTERNAL to the log as well', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(getServices().store, 'readStream').mockRejectedValueOnce(
      new AppError('INTERNAL', 'pool exhausted at db-7'),
    );
    const id = randomUUID();
    const res = await call(orderEvents as Handler, `/api/orders/${id}/events`, { id });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(logged).toHaveBeenCalledTimes(1);
  });
});
