import './env';
import { randomUUID } from 'node:crypto';
import { afterAll, expect } from 'vitest';
import { GET as listCustomersRoute } from '../../app/api/customers/route';
import { POST as placeOrderRoute } from '../../app/api/orders/route';
import { GET as projectionsRoute } from '../../app/api/projections/route';
import type { Role } from '../../lib/auth/permissions';
import { issueToken } from '../../lib/auth/tokens';
import { findUserByUsername, toSessionUser } from '../../lib/auth/users';
import { comparePositions } from '../../lib/event-store';
import { PROJECTIONS } from '../../lib/read-models';
import { getServices } from '../../lib/server/services';

// Each test file runs in a process of its own (isolated forks), so each ends its own pool.
afterAll(() => getServices().pool.end());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (req: Request, ctx: { params: Promise<any> }) => Promise<Response>;

export type CallOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** An object is sent as JSON; a string or bytes as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  id?: string;
  /** Path parameters other than `id` (e.g. a projection's name and version). */
  params?: Record<string, string>;
  /**
   * Whose bearer token to send: a demo user's role (default operator, who may
   * do everything), or null for no credentials. Ignored when `headers` sets Authorization.
   */
  as?: Role | null;
};

const tokens = new Map<Role, Promise<string>>();

/** A bearer token for the seeded demo user of that role, minted directly (no sign-in, so no rate limit). */
export function tokenFor(role: Role): Promise<string> {
  let token = tokens.get(role);
  if (!token) {
    token = (async () => {
      const user = await findUserByUsername(pool(), role);
      if (!user) throw new Error(`no demo user ${role}: did the global setup seed them?`);
      return (await issueToken(pool(), toSessionUser(user))).token;
    })();
    tokens.set(role, token);
  }
  return token;
}

// Tests read response bodies field by field and assert every field they use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiResponse = { status: number; headers: Headers; body: any };

/** Calls a route handler in-process, the way Next.js would. */
export async function call(handler: Handler, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const { body } = options;
  const encoded =
    body === undefined || typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const headers = new Headers(options.headers);
  const as = options.as === undefined ? 'operator' : options.as;
  if (as && !headers.has('authorization')) headers.set('authorization', `Bearer ${await tokenFor(as)}`);
  const req = new Request(`http://test${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body: encoded as BodyInit | undefined,
  });
  const res = await handler(req, { params: Promise.resolve({ id: options.id ?? '', ...options.params }) });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    // An event stream never ends by itself: hang up at once (tests that read one do it themselves).
    await res.body?.cancel();
    return { status: res.status, headers: res.headers, body: undefined };
  }
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') ?? false;
  return { status: res.status, headers: res.headers, body: text && json ? JSON.parse(text) : text || undefined };
}

export const pool = () => getServices().pool;

export async function countStream(orderId: string) {
  const { rows } = await pool().query<{ n: string }>('SELECT count(*) AS n FROM events WHERE stream_id = $1', [
    `order-${orderId}`,
  ]);
  return Number(rows[0]!.n);
}

/** Orders placed for one customer: a count no other test file touches when each file keeps its own customers. */
export async function countPlaced(customerId: string) {
  const { rows } = await pool().query<{ n: string }>(
    `SELECT count(*) AS n FROM events WHERE event_type = 'OrderPlaced' AND data->>'customerId' = $1`,
    [customerId],
  );
  return Number(rows[0]!.n);
}

/** Whether any user's command with this Idempotency-Key was recorded (rows are keyed `<user id>/<key>`). */
export async function commandRecorded(key: string) {
  const { rows } = await pool().query(
    `SELECT 1 FROM commands WHERE substr(command_id, strpos(command_id, '/') + 1) = $1`,
    [key],
  );
  return rows.length > 0;
}

let customerIds: string[] | undefined;

/**
 * The seeded customers in the API's order. Each test file takes its own
 * indices so per-customer counts stay exact while files run in parallel.
 */
export async function customerAt(index: number): Promise<string> {
  if (!customerIds) {
    const res = await call(listCustomersRoute as Handler, '/api/customers');
    customerIds = (res.body.customers as Array<{ id: string }>).map((c) => c.id);
  }
  const id = customerIds[index];
  if (!id) throw new Error(`no seeded customer at ${index}`);
  return id;
}

export const address = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ada Lovelace',
  line1: '12 Analytical Way',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
  ...overrides,
});

export const orderBody = (customerId: string, overrides: Record<string, unknown> = {}) => ({
  customerId,
  items: [
    { sku: 'SKU-0001', quantity: 2 },
    { sku: 'SKU-0002', quantity: 1 },
  ],
  shippingAddress: address(),
  ...overrides,
});

/** Places an order through the API and returns its id; fails the test unless it is created. */
export async function placeOrder(customerId: string, overrides: Record<string, unknown> = {}) {
  const res = await call(placeOrderRoute as Handler, '/api/orders', { body: orderBody(customerId, overrides) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { orderId: string; version: number; position: string };
}

export const newKey = () => `test-${randomUUID()}`;

export const POSITION = /^\d+:\d+$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function expectValidation(res: ApiResponse, fields: Record<string, unknown>) {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    error: { code: 'VALIDATION', message: expect.any(String), fields: expect.objectContaining(fields) },
  });
}

export function expectError(res: ApiResponse, status: number, code: string, extra: Record<string, unknown> = {}) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), ...extra } });
}

/**
 * Until every projection's checkpoint has passed `position`. Lag alone is not
 * enough: it counts only events older than every transaction still open on
 * the server, and other files' transactions (other databases, same server)
 * can hide ours from it for a while.
 */
export async function waitForProjections(position: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call(projectionsRoute as Handler, '/api/projections');
    // Every version of every projection, not only the serving ones.
    type Version = { version: number; position: string; lastError: string | null };
    const statuses = (body.projections as Array<{ name: string; versions: Version[] }>).flatMap((p) =>
      p.versions.map((v) => ({ ...v, name: `${p.name} v${v.version}` })),
    );
    const failed = statuses.find((p) => p.lastError);
    if (failed) throw new Error(`projection ${failed.name} failed: ${failed.lastError}`);
    const done = statuses.filter((p) => comparePositions(p.position, position) >= 0);
    if (statuses.length === PROJECTIONS.length && done.length === statuses.length) return;
    if (Date.now() > deadline) throw new Error(`projections did not reach ${position}: ${JSON.stringify(statuses)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
