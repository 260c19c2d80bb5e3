import { afterAll, describe, expect, it, vi } from 'vitest';

// A database that refuses connections (nothing listens on port 9), set before
// any route or service module is evaluated. Real refusals, through pg and
// through Prisma, not mocked errors.
vi.hoisted(() => {
  process.env.DATABASE_URL = 'postgresql://postgres:none@127.0.0.1:9/nowhere';
});

const { GET: customers } = await import('../../app/api/customers/route');
const { GET: health } = await import('../../app/api/health/route');
const { runAction } = await import('../../lib/actions/result');
const { getServices } = await import('../../lib/server/services');
afterAll(() => getServices().pool.end());

describe('an unreachable database', () => {
  it('answers 503 UNAVAILABLE with Retry-After on the API, not 500', async () => {
    const res = await customers(
      new Request('http://test/api/customers', { headers: { authorization: 'Bearer a.b.c' } }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ error: { code: 'UNAVAILABLE', retryAfterSeconds: 2 } });
  });

  it('is reported by GET /api/health as the database being down', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const res = await health();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual({ status: 'unavailable', database: 'down' });
  });

  it('gives server actions a typed UNAVAILABLE result, through pg and through Prisma', async () => {
    const viaPg = await runAction('test', () => getServices().pool.query('SELECT 1'));
    expect(viaPg).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    const viaPrisma = await runAction('test', () => getServices().prisma.product.findMany());
    expect(viaPrisma).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});
