import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { address, call, customerAt, expectError, orderBody, placeOrder, pool, tokenFor, type Handler } from './helpers';
import { DELETE as revokeRoute, POST as tokenRoute } from '../../app/api/auth/token/route';
import { GET as meRoute } from '../../app/api/auth/me/route';
import { GET as healthRoute } from '../../app/api/health/route';
import { hashPassword } from '../../lib/auth/passwords';
import { countAttempt, SIGN_IN_MAX_PER_USER } from '../../lib/auth/rate-limit';
import type { Role } from '../../lib/auth/permissions';
import { SignJWT } from 'jose';
import { SESSION_CHECK_TTL_MS, signingKey } from '../../lib/auth/tokens';
import { sessionTokenFor } from '../support/session';

// Server actions read the session through next/headers, which only exists
// inside a Next.js request. Here the cookie jar is a variable the tests set;
// everything behind it (token checks, use cases, PostgreSQL) is real.
const jar = vi.hoisted(() => ({ cookie: undefined as string | undefined, deleted: [] as string[] }));
vi.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) => (name === 'll_session' && jar.cookie ? { name, value: jar.cookie } : undefined),
    delete: (name: string) => void jar.deleted.push(name),
  }),
  headers: async () => new Headers(),
}));

const actions = await import('../../components/orders/actions');
const { signOutAction: signOut } = await import('../../lib/actions/auth');

const API_DIR = path.resolve(import.meta.dirname, '../../app/api');
/**
 * What anyone may call: health (liveness and readiness too), trading a
 * password for a token, the ledger's public key (auditors need it), and the
 * OpenAPI document (it describes the API, not its data). Everything else
 * checks the caller.
 */
const PUBLIC = new Set([
  'GET health/route.ts',
  'GET health/live/route.ts',
  'GET health/ready/route.ts',
  'POST auth/token/route.ts',
  'GET ledger/public-key/route.ts',
  'GET openapi.json/route.ts',
]);
const isPublic = (method: Method, file: string) => PUBLIC.has(`${method} ${file}`);

/** Every route file under app/api, so a new route without a check fails this test. */
function routeFiles(dir = API_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === 'route.ts' ? [path.relative(API_DIR, full)] : [];
  });
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
async function handlersOf(file: string): Promise<Array<{ method: Method; handler: Handler; url: string }>> {
  const mod = (await import(path.join(API_DIR, file))) as Partial<Record<Method, Handler>>;
  const url = `/api/${path.dirname(file).replaceAll('[id]', ID)}`;
  return (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).flatMap((method) =>
    mod[method] && !isPublic(method, file) ? [{ method, handler: mod[method], url }] : [],
  );
}

// Some existing order, so that 401/403 cannot be confused with 404.
let ID: string;
let customer: string;

/**
 * Events a refused request of this file could have written: orders placed for
 * this file's customer, and events of the order it acts on. (Other files write
 * to the same database at the same time, so the whole table would not do.)
 */
async function eventCount() {
  const { rows } = await pool().query<{ n: string }>(
    `SELECT count(*) AS n FROM events
      WHERE stream_id = $1 OR (event_type = 'OrderPlaced' AND data->>'customerId' = $2)`,
    [`order-${ID}`, customer],
  );
  return Number(rows[0]!.n);
}

const bodies: Record<string, unknown> = {
  orders: orderBody('00000000-0000-4000-8000-000000000000'),
  cancel: { reason: 'Testing access' },
  ship: {},
  'shipping-address': { address: address() },
  adjust: { amountDelta: -100, reason: 'Testing access' },
};
const bodyFor = (url: string) => bodies[url.split('/').at(-1)!] ?? {};

beforeAll(async () => {
  // Customers 232–239 belong to this file.
  customer = await customerAt(232);
  bodies.orders = orderBody(customer);
  ID = (await placeOrder(customer)).orderId;
});

describe('every API route checks the caller', () => {
  it('finds the routes it checks', () => {
    const files = routeFiles();
    expect(files).toContain('orders/route.ts');
    expect(files).toContain('orders/[id]/cancel/route.ts');
    expect(files.length).toBeGreaterThanOrEqual(17);
  });

  it('answers 401 UNAUTHENTICATED without credentials, and writes nothing', async () => {
    const before = await eventCount();
    for (const file of routeFiles()) {
      for (const { method, handler, url } of await handlersOf(file)) {
        const res = await call(handler, url, {
          method,
          id: ID,
          as: null,
          body: method === 'GET' || method === 'DELETE' ? undefined : bodyFor(url),
        });
        expect(res.status, `${method} ${url}`).toBe(401);
        expect(res.body.error.code, `${method} ${url}`).toBe('UNAUTHENTICATED');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
    expect(await eventCount()).toBe(before);
  });

  it('answers 401 for a forged, a malformed and an expired token', async () => {
    const good = await tokenFor('clerk');
    const [header, payload] = good.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    const expired = await (async () => {
      const { issueToken } = await import('../../lib/auth/tokens');
      const { findUserByUsername, toSessionUser } = await import('../../lib/auth/users');
      const user = toSessionUser((await findUserByUsername(pool(), 'clerk'))!);
      return (await issueToken(pool(), user, new Date(Date.now() - 9 * 60 * 60 * 1000))).token;
    })();
    for (const authorization of [`Bearer ${forged}`, 'Bearer not-a-token', `Bearer ${expired}`, `Basic ${good}`]) {
      const res = await call(meRoute as Handler, '/api/auth/me', { headers: { authorization } });
      expectError(res, 401, 'UNAUTHENTICATED');
    }
  });

  it('accepts the session cookie as well as a bearer token', async () => {
    const res = await call(meRoute as Handler, '/api/auth/me', {
      headers: { cookie: `other=1; ll_session=${await tokenFor('viewer')}` },
      as: null,
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: expect.any(String),
      username: 'viewer',
      displayName: 'Victor Viewer',
      role: 'viewer',
    });
  });

  const writes: Array<{ url: string; allowed: Role[] }> = [
    { url: 'orders', allowed: ['clerk', 'operator'] },
    { url: 'orders/[id]/ship', allowed: ['clerk', 'operator'] },
    { url: 'orders/[id]/cancel', allowed: ['clerk', 'operator'] },
    { url: 'orders/[id]/shipping-address', allowed: ['clerk', 'operator'] },
    { url: 'orders/[id]/adjust', allowed: ['operator'] },
  ];

  for (const { url, allowed } of writes) {
    const refused = (['viewer', 'clerk', 'operator'] as const).filter((r) => !allowed.includes(r));
    it(`POST /api/${url} answers 403 FORBIDDEN for ${refused.join(' and ')}, and writes nothing`, async () => {
      const post = (await handlersOf(`${url}/route.ts`)).find((h) => h.method === 'POST')!;
      const before = await eventCount();
      for (const role of refused) {
        const res = await call(post.handler, post.url, { method: 'POST', id: ID, as: role, body: bodyFor(post.url) });
        expectError(res, 403, 'FORBIDDEN');
      }
      expect(await eventCount()).toBe(before);
    });
  }

  /** GETs for operators only: a comparison (kept and recorded in the operations log), and the metrics. */
  const operatorGets = ['/api/projections/[name]/compare', '/api/metrics'];

  it("lets a viewer read every GET route but the operators' comparison", async () => {
    for (const file of routeFiles()) {
      for (const { method, handler, url } of await handlersOf(file)) {
        if (method !== 'GET') continue;
        if (operatorGets.includes(url)) {
          expectError(await call(handler, url, { id: ID, as: 'viewer' }), 403, 'FORBIDDEN');
          continue;
        }
        const res = await call(handler, url, { id: ID, as: 'viewer' });
        // Some GETs need query parameters (400) or a projected row (404); none may refuse a viewer.
        expect([200, 400, 404], `GET ${url} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
      }
    }
  });

  it('keeps /api/health public', async () => {
    const res = await call(healthRoute as Handler, '/api/health', { as: null });
    expect(res.status).toBe(200);
  });
});

describe('events name who issued the command', () => {
  it('records the actor, a correlation id from X-Correlation-Id, and the command as causation', async () => {
    const { POST: cancel } = await import('../../app/api/orders/[id]/cancel/route');
    const orderId = (await placeOrder(customer)).orderId;
    const res = await call(cancel as Handler, `/api/orders/${orderId}/cancel`, {
      id: orderId,
      as: 'clerk',
      body: { reason: 'Wrong size' },
      headers: { 'idempotency-key': `auth-test-${orderId}`, 'x-correlation-id': 'support-ticket-4711' },
    });
    expect(res.status).toBe(200);
    const { rows } = await pool().query('SELECT metadata FROM events WHERE stream_id = $1 ORDER BY stream_version', [
      `order-${orderId}`,
    ]);
    expect(rows[0].metadata.actor).toEqual({ id: expect.any(String), name: 'Olivia Operator' });
    expect(rows[1].metadata).toEqual(
      expect.objectContaining({
        actor: { id: '00000000-0000-4000-8000-00000000c1e2', name: 'Casey Clerk' },
        commandId: `auth-test-${orderId}`,
        correlationId: 'support-ticket-4711',
        causationId: `auth-test-${orderId}`,
      }),
    );
  });
});

describe('POST /api/auth/token', () => {
  const password = inject('demoPassword');

  it('trades a username and password for a bearer token that works on the API', async () => {
    const res = await call(tokenRoute as Handler, '/api/auth/token', {
      as: null,
      body: { username: '  Clerk ', password },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: 'Bearer',
      expiresAt: expect.any(String),
      user: { id: expect.any(String), username: 'clerk', displayName: 'Casey Clerk', role: 'clerk' },
    });
    const me = await call(meRoute as Handler, '/api/auth/me', {
      headers: { authorization: `Bearer ${res.body.token}` },
    });
    expect(me.body.user.username).toBe('clerk');
  });

  it('answers one 401 for a wrong password and for an unknown user', async () => {
    const wrong = await call(tokenRoute as Handler, '/api/auth/token', {
      as: null,
      body: { username: 'viewer', password: 'not-it' },
    });
    const unknown = await call(tokenRoute as Handler, '/api/auth/token', {
      as: null,
      body: { username: 'nobody-here', password: 'not-it' },
    });
    expectError(wrong, 401, 'UNAUTHENTICATED');
    expect(unknown.body).toEqual(wrong.body);
  });

  it('answers 400 VALIDATION naming each missing field', async () => {
    const res = await call(tokenRoute as Handler, '/api/auth/token', { as: null, body: { username: ' ' } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['password', 'username']);
  });

  it(`pauses a username after ${SIGN_IN_MAX_PER_USER} failed attempts with 429 and Retry-After, even for the right password`, async () => {
    const username = `limited-${Date.now()}`;
    await pool().query(
      `INSERT INTO users (id, username, display_name, role, password_hash) VALUES (gen_random_uuid(), $1, 'Limited', 'viewer', $2)`,
      [username, await hashPassword('right-password')],
    );
    const attempt = (pw: string) =>
      call(tokenRoute as Handler, '/api/auth/token', { as: null, body: { username, password: pw } });
    // A success forgives earlier failures …
    for (let i = 0; i < SIGN_IN_MAX_PER_USER - 1; i++) expect((await attempt('wrong')).status).toBe(401);
    expect((await attempt('right-password')).status).toBe(200);
    // … but a full run of failures pauses the account.
    for (let i = 0; i < SIGN_IN_MAX_PER_USER; i++) expect((await attempt('wrong')).status).toBe(401);
    const res = await attempt('right-password');
    expectError(res, 429, 'RATE_LIMITED', { retryAfterSeconds: expect.any(Number) });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('forgets past windows of every key, not only of the keys it counts', async () => {
    const stale = `user:sprayed-${crypto.randomUUID()}`;
    await pool().query(
      `INSERT INTO sign_in_attempts (key, window_start, attempts) VALUES ($1, now() - interval '1 hour', 3)`,
      [stale],
    );
    expect(await countAttempt(pool(), [{ key: `user:someone-${crypto.randomUUID()}`, max: 10 }])).toBeNull();
    const { rowCount } = await pool().query('SELECT 1 FROM sign_in_attempts WHERE key = $1', [stale]);
    expect(rowCount).toBe(0);
  });

  it('counts racing attempts exactly: no burst slips past the limit', async () => {
    const username = `burst-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: SIGN_IN_MAX_PER_USER + 5 }, () =>
        call(tokenRoute as Handler, '/api/auth/token', { as: null, body: { username, password: 'x' } }),
      ),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(SIGN_IN_MAX_PER_USER);
    expect(results.filter((r) => r.status === 429)).toHaveLength(5);
  });
});

describe('sessions end when they are ended', () => {
  const me = (token: string) =>
    call(meRoute as Handler, '/api/auth/me', { headers: { authorization: `Bearer ${token}` } });

  it('DELETE /api/auth/token ends that token for good, and only that one', async () => {
    const [ending, other] = [await sessionTokenFor(pool(), 'clerk'), await sessionTokenFor(pool(), 'clerk')];
    expect((await me(ending)).status).toBe(200);
    const res = await call(revokeRoute as Handler, '/api/auth/token', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ending}` },
    });
    expect(res.status).toBe(204);
    expectError(await me(ending), 401, 'UNAUTHENTICATED');
    expect((await me(other)).status).toBe(200);
    // An ended token cannot end anything again.
    const again = await call(revokeRoute as Handler, '/api/auth/token', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ending}` },
    });
    expectError(again, 401, 'UNAUTHENTICATED');
  });

  it('signing out revokes the session, so a copy of the cookie stops working', async () => {
    const token = await sessionTokenFor(pool(), 'operator');
    jar.cookie = token;
    await expect(signOut()).rejects.toThrow('NEXT_REDIRECT');
    expect(jar.deleted).toContain('ll_session');
    expectError(await me(token), 401, 'UNAUTHENTICATED');
  });

  it("a token whose subject is not its session owner is refused, and the owner's next check is not", async () => {
    const genuine = await sessionTokenFor(pool(), 'clerk');
    const { jti } = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()) as { jti: string };
    const viewer = (await me(await tokenFor('viewer'))).body.user as { id: string };
    // Validly signed, naming the clerk's session but another user.
    const mismatched = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setJti(jti)
      .setSubject(viewer.id)
      .setIssuer('ledgerline')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await signingKey(pool()));
    expectError(await me(mismatched), 401, 'UNAUTHENTICATED');
    // Checked first, it used to be cached as "no such session" for SESSION_CHECK_TTL_MS.
    expect((await me(genuine)).status).toBe(200);
    expectError(await me(mismatched), 401, 'UNAUTHENTICATED');
  });

  it('takes the role from the users table, not from the token', async () => {
    const token = await sessionTokenFor(pool(), 'viewer');
    const { sub } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string };
    await pool().query(`UPDATE users SET role = 'operator' WHERE id = $1`, [sub]);
    expect((await me(token)).body.user.role).toBe('operator');
  });

  it(`ends a session revoked elsewhere (another node, or a deleted user) within ${SESSION_CHECK_TTL_MS} ms`, async () => {
    const token = await sessionTokenFor(pool(), 'clerk');
    const { user } = (await me(token)).body as { user: { id: string } };
    await pool().query('DELETE FROM users WHERE id = $1', [user.id]);
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < SESSION_CHECK_TTL_MS + 2_000) {
      status = (await me(token)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(SESSION_CHECK_TTL_MS + 1_000);
  }, 15_000);
});

describe('server actions check the session and role', () => {
  let version: number;
  beforeEach(async () => {
    const placed = await placeOrder(customer);
    ID = placed.orderId;
    version = placed.version;
  });

  const target = () => ({ orderId: ID, expectedVersion: version, commandId: crypto.randomUUID() });
  const calls = {
    place: () =>
      actions.placeOrderAction({
        ...(orderBody(customer) as Parameters<typeof actions.placeOrderAction>[0]),
        commandId: crypto.randomUUID(),
      }),
    ship: () => actions.shipOrderAction(target()),
    cancel: () => actions.cancelOrderAction({ ...target(), reasonCode: 'customer_request', reason: 'Testing access' }),
    readdress: () => actions.changeShippingAddressAction({ ...target(), address: address() }),
    adjust: () => actions.adjustOrderPriceAction({ ...target(), amountDelta: -100, reason: 'Testing access' }),
  };

  it('refuses every action without a session (UNAUTHENTICATED) and with a viewer (FORBIDDEN), writing nothing', async () => {
    const before = await eventCount();
    for (const [name, run] of Object.entries(calls)) {
      jar.cookie = undefined;
      const anonymous = await run();
      expect(anonymous.ok ? 'ok' : anonymous.error.code, name).toBe('UNAUTHENTICATED');
      jar.cookie = await tokenFor('viewer');
      const viewer = await run();
      expect(viewer.ok ? 'ok' : viewer.error.code, name).toBe('FORBIDDEN');
    }
    expect(await eventCount()).toBe(before);
  });

  it('lets a clerk cancel but not adjust, and records the clerk as the actor', async () => {
    jar.cookie = await tokenFor('clerk');
    const adjusted = await calls.adjust();
    expect(adjusted.ok ? 'ok' : adjusted.error.code).toBe('FORBIDDEN');
    const cancelled = await calls.cancel();
    expect(cancelled.ok).toBe(true);
    const { rows } = await pool().query(
      'SELECT event_type, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1',
      [`order-${ID}`],
    );
    expect(rows[0].event_type).toBe('OrderCancelled');
    expect(rows[0].metadata.actor).toEqual({ id: expect.any(String), name: 'Casey Clerk' });
  });
});
