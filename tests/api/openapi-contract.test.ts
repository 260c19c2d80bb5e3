import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { address, call, customerAt, orderBody, tokenFor, type Handler } from './helpers';
import type { Role } from '../../lib/auth/permissions';
import { issueToken } from '../../lib/auth/tokens';
import { findUserByUsername, toSessionUser } from '../../lib/auth/users';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { RETIRE_GRACE_MS } from '../../lib/projections/lifecycle';
import { PROJECTIONS } from '../../lib/read-models';
import { getServices } from '../../lib/server/services';
import { isolatedDatabase } from '../support/db';
import { testLedger } from '../support/ledger';

// The API against its OpenAPI document: every route file under app/api must
// be in the document (found on disk, so a new route without an entry in
// lib/http/openapi/routes.ts fails here), and every documented operation is
// called, for a success and for an error, through its real handler on a real
// database; each response's status, media type and body must be what the
// document says (JSON bodies checked with Ajv against the document's schemas).

const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;
const { GET: openApiRoute } = await import('../../app/api/openapi.json/route');

const API_DIR = path.resolve(import.meta.dirname, '../../app/api');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** `orders/[id]/cancel/route.ts` → `/api/orders/{id}/cancel`. */
const templateOf = (file: string) =>
  '/api/' +
  path
    .dirname(file)
    .split(path.sep)
    .map((s) => s.replace(/^\[(\w+)\]$/, '{$1}'))
    .join('/');

function routeFiles(dir = API_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === 'route.ts' ? [path.relative(API_DIR, full)] : [];
  });
}

/** `get /api/orders/{id}` → the handler exported by its route file. */
const handlers = new Map<string, Handler>();
for (const file of routeFiles()) {
  const exported = (await import(pathToFileURL(path.join(API_DIR, file)).href)) as Record<string, unknown>;
  for (const method of METHODS) {
    if (typeof exported[method] === 'function')
      handlers.set(`${method.toLowerCase()} ${templateOf(file)}`, exported[method] as Handler);
  }
}

const document = (await (await openApiRoute()).json()) as Document;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, 'openapi');
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

const operations = Object.entries(document.paths).flatMap(([template, methods]) =>
  Object.keys(methods).map((method) => `${method} ${template}`),
);

type Call = {
  path: string;
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  as?: Role | null;
};
type Outcome = { op: string; status: number; type: string | null; body: unknown };

const outcomes: Outcome[] = [];
const problems: string[] = [];

/** Calls the operation's handler and checks the response against the document. */
async function check(op: string, request: Call, expectedStatus: number) {
  const handler = handlers.get(op);
  if (!handler) throw new Error(`no handler for ${op}`);
  const [method] = op.split(' ');
  const headers = new Headers(request.headers);
  const as = request.as === undefined ? 'operator' : request.as;
  if (as && !headers.has('authorization')) headers.set('authorization', `Bearer ${await tokenFor(as)}`);
  const encoded =
    request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const req = new Request(`http://test${request.path}`, {
    method: request.method ?? method!.toUpperCase(),
    headers,
    body: encoded as string | undefined,
  });
  const res = await handler(req, { params: Promise.resolve(request.params ?? {}) });
  const type = res.headers.get('content-type');
  let text = '';
  if (type?.startsWith('text/event-stream')) {
    // A stream never ends by itself: its first message is enough, then hang up.
    const reader = res.body!.getReader();
    text = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
  } else text = await res.text();
  const body = type?.includes('json') && text ? JSON.parse(text) : text;
  outcomes.push({ op, status: res.status, type, body });
  expect(res.status, `${op} ${request.path}: ${text.slice(0, 400)}`).toBe(expectedStatus);

  const [verb, template] = op.split(' ') as [string, string];
  const documented = document.paths[template]?.[verb]?.responses[String(res.status)];
  if (!documented) {
    problems.push(`${op} answered ${res.status}, which the document does not list`);
    return;
  }
  const media = Object.keys(documented.content ?? {});
  if (media.length === 0) {
    if (text !== '') problems.push(`${op} ${res.status}: a body, where the document says none`);
    return;
  }
  const mediaType = media.find((m) => type?.startsWith(m));
  if (!mediaType) {
    problems.push(`${op} ${res.status}: content type ${type}, the document says ${media.join(', ')}`);
    return;
  }
  if (mediaType !== 'application/json') return;
  const validate = ajv.getSchema(
    `openapi#/${pointer('paths', template, verb, 'responses', String(res.status), 'content', mediaType, 'schema')}`,
  )!;
  if (!validate(body)) {
    problems.push(`${op} ${res.status}: ${ajv.errorsText(validate.errors)} in ${text.slice(0, 300)}`);
  }
}

let worker: ProjectionWorker;
const ledger = testLedger(50);
const orders: Record<'main' | 'cancelled' | 'shipped', string> = { main: '', cancelled: '', shipped: '' };
let customerId = '';
let lastPosition = '';
let poison = '';

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; !(await test()); await sleep(25)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

type VersionStatus = { version: number; state: string; position: string; lagEvents: number };
type ProjectionStatus = {
  name: string;
  status: string;
  failingEvent: { position: string } | null;
  versions: VersionStatus[];
};
const projections = async () =>
  (await call(handlers.get('get /api/projections')!, '/api/projections')).body.projections as ProjectionStatus[];

beforeAll(async () => {
  customerId = await customerAt(5);
  // A poison event first: order_summaries cannot ship an order never placed, so retry and skip have something to do.
  const orphan = '00000000-0000-4000-8000-00000000beef';
  poison = (
    await getServices().store.append(
      `order-${orphan}`,
      [{ type: 'OrderShipped', data: { orderId: orphan, shippedAt: new Date().toISOString() } }],
      { expectedVersion: 0, streamType: 'order' },
    )
  ).position;
  worker = startProjectionWorker({
    connectionString: databaseUrl,
    projections: PROJECTIONS,
    ledger: ledger.settings,
    pollMs: 20,
    maxBackoffMs: 200,
  });
  const place = async () => {
    const res = await call(handlers.get('post /api/orders')!, '/api/orders', { body: orderBody(customerId) });
    expect(res.status).toBe(201);
    lastPosition = res.body.position;
    return res.body.orderId as string;
  };
  orders.main = await place();
  orders.cancelled = await place();
  orders.shipped = await place();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  rmSync(ledger.dir, { recursive: true, force: true });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every route file under app/api, and nothing else', () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(handlers.size).toBeGreaterThan(30);
    const missing = [...handlers.keys()].filter((op) => !operations.includes(op));
    expect(missing, 'routes without an entry in lib/http/openapi/routes.ts').toEqual([]);
    const stale = operations.filter((op) => !handlers.has(op));
    expect(stale, 'documented operations without a route file').toEqual([]);
  });

  it('compiles: every response schema is valid JSON Schema 2020-12', () => {
    for (const op of operations) {
      const [verb, template] = op.split(' ') as [string, string];
      for (const [status, response] of Object.entries(document.paths[template]![verb]!.responses)) {
        if (!response.content?.['application/json']) continue;
        const ref = `openapi#/${pointer('paths', template, verb, 'responses', status, 'content', 'application/json', 'schema')}`;
        expect(ajv.getSchema(ref), `${op} ${status}`).toBeTypeOf('function');
      }
    }
  });
});

describe('every operation, called, answers as documented', () => {
  const order = (key: keyof typeof orders) => ({ id: orders[key] });
  const id = () => orders.main;
  const unknownOrder = '3f0c1a52-9a8e-4c4b-8a52-0d6f6d9c0b11';

  it('auth', async () => {
    const password = inject('demoPassword');
    await check(
      'post /api/auth/token',
      { path: '/api/auth/token', as: null, body: { username: 'viewer', password } },
      200,
    );
    await check('post /api/auth/token', { path: '/api/auth/token', as: null, body: { username: '' } }, 400);
    await check(
      'post /api/auth/token',
      { path: '/api/auth/token', as: null, body: { username: 'viewer', password: 'wrong' } },
      401,
    );
    await check('get /api/auth/me', { path: '/api/auth/me', as: 'viewer' }, 200);
    await check('get /api/auth/me', { path: '/api/auth/me', as: null }, 401);
    const user = toSessionUser((await findUserByUsername(getServices().pool, 'viewer'))!);
    const { token } = await issueToken(getServices().pool, user);
    await check(
      'delete /api/auth/token',
      { path: '/api/auth/token', headers: { authorization: `Bearer ${token}` } },
      204,
    );
    await check(
      'delete /api/auth/token',
      { path: '/api/auth/token', headers: { authorization: `Bearer ${token}` } },
      401,
    );
  });

  it('orders: commands', async () => {
    await check('post /api/orders', { path: '/api/orders', body: orderBody(customerId) }, 201);
    await check('post /api/orders', { path: '/api/orders', body: orderBody(customerId, { items: [] }) }, 400);
    await check('post /api/orders', { path: '/api/orders', body: orderBody(customerId), as: 'viewer' }, 403);
    await check('post /api/orders', { path: '/api/orders', body: 'x'.repeat(70_000) }, 413);
    const on = (key: keyof typeof orders, rest: string) => `/api/orders/${orders[key]}${rest}`;
    await check(
      'post /api/orders/{id}/shipping-address',
      { path: on('main', '/shipping-address'), params: order('main'), body: { address: address({ city: 'Paris' }) } },
      200,
    );
    await check(
      'post /api/orders/{id}/shipping-address',
      { path: on('main', '/shipping-address'), params: order('main'), body: { address: {} } },
      400,
    );
    await check(
      'post /api/orders/{id}/adjust',
      { path: on('main', '/adjust'), params: order('main'), body: { amountDelta: -100, reason: 'Goodwill' } },
      200,
    );
    await check(
      'post /api/orders/{id}/adjust',
      { path: on('main', '/adjust'), params: order('main'), body: { amountDelta: -100, reason: 'x' }, as: 'clerk' },
      403,
    );
    await check(
      'post /api/orders/{id}/cancel',
      {
        path: on('cancelled', '/cancel'),
        params: order('cancelled'),
        body: { reason: 'Changed mind', reasonCode: 'customer_request' },
      },
      200,
    );
    await check('post /api/orders/{id}/ship', { path: on('shipped', '/ship'), params: order('shipped') }, 200);
    await check('post /api/orders/{id}/ship', { path: on('cancelled', '/ship'), params: order('cancelled') }, 409);
    await check(
      'post /api/orders/{id}/ship',
      { path: on('shipped', '/ship'), params: order('shipped'), headers: { 'if-match': '"1"' } },
      409,
    );
    await check(
      'post /api/orders/{id}/ship',
      { path: `/api/orders/${unknownOrder}/ship`, params: { id: unknownOrder } },
      404,
    );
    // Cancelling a shipped order breaks a rule: 409.
    await check(
      'post /api/orders/{id}/cancel',
      {
        path: on('shipped', '/cancel'),
        params: order('shipped'),
        body: { reason: 'Too late', reasonCode: 'customer_request' },
      },
      409,
    );
    await check(
      'post /api/orders/{id}/cancel',
      { path: on('main', '/cancel'), params: order('main'), body: { reason: 'x', reasonCode: 'no-such-code' } },
      400,
    );
  });

  it('event feed', async () => {
    await check('get /api/events', { path: '/api/events?limit=5', as: 'viewer' }, 200);
    await check('get /api/events', { path: '/api/events?after=nope' }, 400);
    await check('get /api/events/stream', { path: '/api/events/stream?after=0:0', as: 'viewer' }, 200);
    await check('get /api/events/stream', { path: '/api/events/stream', headers: { 'last-event-id': 'x' } }, 400);
    await check('get /api/events/recent', { path: '/api/events/recent?limit=5' }, 200);
    await check('get /api/events/recent', { path: '/api/events/recent?limit=5000' }, 400);
  });

  it('projections: retry and skip a poison event', async () => {
    const p = { name: 'order_summaries', version: '1' };
    const url = (action: string) => `/api/projections/order_summaries/versions/1/${action}`;
    await until('order_summaries to fail on the poison event', async () =>
      (await projections()).some((s) => s.name === 'order_summaries' && /retrying|stalled/.test(s.status)),
    );
    await check(
      'post /api/projections/{name}/versions/{version}/retry',
      { path: url('retry'), params: p, body: { reason: 'Look again' } },
      200,
    );
    await check(
      'post /api/projections/{name}/versions/{version}/retry',
      { path: url('retry'), params: p, as: 'viewer' },
      403,
    );
    await until('the poison event to be isolated', async () =>
      (await projections()).some((s) => s.name === 'order_summaries' && s.failingEvent?.position === poison),
    );
    await check(
      'post /api/projections/{name}/versions/{version}/skip',
      { path: url('skip'), params: p, body: { position: poison, reason: 'Never placed' } },
      200,
    );
    await check(
      'post /api/projections/{name}/versions/{version}/skip',
      { path: url('skip'), params: p, body: { position: poison, reason: 'Again' } },
      409,
    );
    // Now the orders projection catches up.
    await until('the projections to catch up', async () =>
      (await projections()).every((s) => s.versions.every((v) => v.lagEvents === 0 && v.position >= lastPosition)),
    );
  });

  it('orders: reads and audit', async () => {
    const on = (rest: string) => ({ path: `/api/orders/${id()}${rest}`, params: { id: id() } });
    const none = (rest: string) => ({ path: `/api/orders/${unknownOrder}${rest}`, params: { id: unknownOrder } });
    await until(
      'the order in the read model',
      async () =>
        (await call(handlers.get('get /api/orders/{id}')!, `/api/orders/${id()}`, { id: id() })).status === 200,
    );
    await check('get /api/orders', { path: `/api/orders?limit=2&customerId=${customerId}` }, 200);
    await check('get /api/orders', { path: '/api/orders?q=a&sort=total&dir=asc&limit=10' }, 200);
    await check('get /api/orders', { path: '/api/orders?status=lost' }, 400);
    await check('get /api/orders/{id}', on(''), 200);
    await check('get /api/orders/{id}', none(''), 404);
    await check('get /api/orders/{id}/events', on('/events'), 200);
    await check('get /api/orders/{id}/events', none('/events'), 404);
    await check('get /api/orders/{id}/audit', on('/audit'), 200);
    await check('get /api/orders/{id}/audit', none('/audit'), 404);
    await check('get /api/orders/{id}/audit.csv', on('/audit.csv'), 200);
    await check('get /api/orders/{id}/audit.csv', none('/audit.csv'), 404);
    await check('get /api/orders/{id}/state', { ...on('/state?version=1') }, 200);
    await check('get /api/orders/{id}/state', { ...on('/state') }, 400);
    await check('get /api/orders/{id}/verify', on('/verify'), 200);
    await check('get /api/orders/{id}/verify', none('/verify'), 404);
  });

  it('reference data and read models', async () => {
    await check('get /api/catalog', { path: '/api/catalog', as: 'viewer' }, 200);
    await check('get /api/catalog', { path: '/api/catalog', as: null }, 401);
    await check('get /api/customers', { path: '/api/customers' }, 200);
    await check(
      'get /api/customers',
      { path: '/api/customers', headers: { authorization: 'Bearer not-a-token' } },
      401,
    );
    await check(
      'get /api/customers/{id}/stats',
      { path: `/api/customers/${customerId}/stats`, params: { id: customerId } },
      200,
    );
    await check(
      'get /api/customers/{id}/stats',
      { path: `/api/customers/${unknownOrder}/stats`, params: { id: unknownOrder } },
      404,
    );
    await check('get /api/stats/customers', { path: '/api/stats/customers?pageSize=3' }, 200);
    await check(
      'get /api/stats/customers',
      { path: `/api/stats/customers?at=${encodeURIComponent(new Date().toISOString())}` },
      200,
    );
    await check('get /api/stats/customers', { path: '/api/stats/customers?at=yesterday' }, 400);
    await check('get /api/stats/metrics', { path: '/api/stats/metrics?minutes=5' }, 200);
    await check('get /api/stats/metrics', { path: '/api/stats/metrics?minutes=5&at=2026-01-01T00:00:00Z' }, 200);
    await check('get /api/stats/metrics', { path: '/api/stats/metrics?minutes=-1' }, 400);
  });

  it('ledger', async () => {
    let first: { treeSize: number } | undefined;
    let latest: { treeSize: number } | undefined;
    await until('two signed heads', async () => {
      const res = await call(handlers.get('get /api/ledger/heads')!, '/api/ledger/heads');
      first = res.body.heads?.[0];
      latest = res.body.heads?.at(-1);
      return res.body.heads?.length >= 2;
    });
    const { globalPosition } = { globalPosition: lastPosition.split(':')[1]! };
    await check('get /api/ledger/heads', { path: '/api/ledger/heads?limit=1' }, 200);
    await check('get /api/ledger/heads', { path: '/api/ledger/heads?limit=0' }, 400);
    await check('get /api/ledger/heads/latest', { path: '/api/ledger/heads/latest' }, 200);
    await check('get /api/ledger/heads/latest', { path: '/api/ledger/heads/latest', as: null }, 401);
    await check(
      'get /api/ledger/consistency',
      { path: `/api/ledger/consistency?from=${first!.treeSize}&to=${latest!.treeSize}` },
      200,
    );
    await check('get /api/ledger/consistency', { path: '/api/ledger/consistency' }, 400);
    await check('get /api/ledger/public-key', { path: '/api/ledger/public-key', as: null }, 200);
    await check(
      'get /api/ledger/public-key',
      { path: '/api/ledger/public-key', as: null, headers: { accept: 'application/x-pem-file' } },
      200,
    );
    await check(
      'get /api/ledger/public-key',
      { path: `/api/ledger/public-key?keyId=${'0'.repeat(64)}`, as: null },
      404,
    );
    await check('get /api/ledger/status', { path: '/api/ledger/status' }, 200);
    await check('get /api/ledger/status', { path: '/api/ledger/status', as: null }, 401);
    await until('a head covering the last order', async () => {
      const res = await call(handlers.get('get /api/events/{position}/proof')!, `/api/events/${globalPosition}/proof`, {
        params: { position: globalPosition },
      });
      return res.status === 200;
    });
    await check(
      'get /api/events/{position}/proof',
      { path: `/api/events/${lastPosition}/proof`, params: { position: lastPosition } },
      200,
    );
    await check(
      'get /api/events/{position}/proof',
      { path: '/api/events/99999999/proof', params: { position: '99999999' } },
      404,
    );
  });

  it('projections: status, compare, switch, rollback, rebuild, retire', async () => {
    const v = (version: string) => ({ name: 'order_metrics', version });
    await check('get /api/projections', { path: '/api/projections', as: 'viewer' }, 200);
    await check('get /api/projections', { path: '/api/projections', as: null }, 401);
    await check('get /api/operations', { path: '/api/operations' }, 200);
    await check('get /api/operations', { path: '/api/operations', as: null }, 401);
    await check(
      'get /api/projections/{name}/compare',
      { path: '/api/projections/order_metrics/compare?a=1&b=2', params: { name: 'order_metrics' } },
      200,
    );
    await check(
      'get /api/projections/{name}/compare',
      { path: '/api/projections/order_metrics/compare', params: { name: 'order_metrics' } },
      400,
    );
    await check(
      'get /api/projections/{name}/compare',
      { path: '/api/projections/nothing/compare?b=2', params: { name: 'nothing' } },
      404,
    );
    await check(
      'post /api/projections/{name}/versions/{version}/switch',
      { path: '/api/projections/order_metrics/versions/2/switch', params: v('2'), body: { reason: 'Try v2' } },
      200,
    );
    await check(
      'post /api/projections/{name}/versions/{version}/switch',
      { path: '/api/projections/order_metrics/versions/9/switch', params: v('9') },
      404,
    );
    await check(
      'post /api/projections/{name}/rollback',
      {
        path: '/api/projections/order_metrics/rollback',
        params: { name: 'order_metrics' },
        body: { reason: 'Back to v1' },
      },
      200,
    );
    await check(
      'post /api/projections/{name}/rollback',
      { path: '/api/projections/order_metrics/rollback', params: { name: 'order_metrics' }, body: {} },
      400,
    );
    await check(
      'post /api/projections/{name}/rebuild',
      {
        path: '/api/projections/order_metrics/rebuild',
        params: { name: 'order_metrics' },
        body: { version: 2, reason: 'Fresh' },
      },
      202,
    );
    await check(
      'post /api/projections/{name}/rebuild',
      { path: '/api/projections/order_metrics/rebuild', params: { name: 'order_metrics' }, as: 'clerk' },
      403,
    );
    await until('the rebuild to finish', async () =>
      (await projections()).some(
        (s) => s.name === 'order_metrics' && s.versions.some((x) => x.version === 2 && x.state !== 'building'),
      ),
    );
    await check(
      'delete /api/projections/{name}/versions/{version}',
      { path: '/api/projections/order_metrics/versions/1', params: v('1'), body: {} },
      409,
    );
    // v2 served until the rollback: it may be retired once requests that read it are done.
    const rolledBackAt = Date.now();
    await sleep(Math.max(0, rolledBackAt + RETIRE_GRACE_MS + 100 - Date.now()));
    await check(
      'delete /api/projections/{name}/versions/{version}',
      { path: '/api/projections/order_metrics/versions/2', params: v('2'), body: { reason: 'Done with it' } },
      200,
    );
  });

  it('operations', async () => {
    await check('get /api/health', { path: '/api/health', as: null }, 200);
    await check('get /api/openapi.json', { path: '/api/openapi.json', as: null }, 200);
    await check('get /api/health/live', { path: '/api/health/live', as: null }, 200);
    await check('get /api/health/ready', { path: '/api/health/ready', as: null }, 200);
    await check('get /api/metrics', { path: '/api/metrics', as: 'operator' }, 200);
    await check('get /api/metrics', { path: '/api/metrics', as: 'viewer' }, 403);
  });

  it('every response matched the document', () => {
    expect(problems).toEqual([]);
  });

  it('every operation was called for a success and an error (but those that cannot fail here)', () => {
    // Health and readiness fail only with the database down, liveness and the document never.
    const cannotFail = new Set([
      'get /api/health',
      'get /api/health/live',
      'get /api/health/ready',
      'get /api/openapi.json',
    ]);
    const missing = operations.flatMap((op) => {
      const statuses = outcomes.filter((o) => o.op === op).map((o) => o.status);
      return [
        ...(statuses.some((s) => s < 300) ? [] : [`${op}: no success`]),
        ...(cannotFail.has(op) || statuses.some((s) => s >= 400) ? [] : [`${op}: no error`]),
      ];
    });
    expect(missing).toEqual([]);
  });
});
