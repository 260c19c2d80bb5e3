import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCustomers } from '../../lib/db/seed';
import { PROJECTIONS } from '../../lib/read-models';
import { isolatedDatabase } from '../support/db';
import { parseLogLines, type LogEntry } from '../support/logs';

// The app and the projection worker as `npm start` runs them apart (the app
// through tests/support/app-child.ts, the worker as workers/projector.ts),
// logging JSON lines at info: one X-Request-Id must be found in the request's
// line, the command's, the stored events' metadata, the worker's batch and
// the web node's push. And no line may hold a password, token or secret.

const url = await isolatedDatabase();
const pool = new pg.Pool({ connectionString: url, max: 2 });
const PASSWORD = `pw-${randomUUID()}`;
const SESSION_SECRET = `secret-${randomUUID()}-${randomUUID()}`;
const children: ChildProcess[] = [];
const output = { app: '', worker: '' };
let port = 0;

function start(name: keyof typeof output, entry: string, ready: RegExp): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      LEDGERLINE_DEMO_PASSWORD: PASSWORD,
      LEDGERLINE_SESSION_SECRET: SESSION_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output[name]}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output[name] += chunk.toString();
      const match = ready.exec(output[name]);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${output[name]}`)));
  });
}

const logs = (name: keyof typeof output) => parseLogLines(output[name]);

async function until<T>(what: string, find: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${output.app}\n${output.worker}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let token = '';

beforeAll(async () => {
  // One after the other: each applies pending migrations at start, under Prisma's advisory lock.
  port = Number((await start('app', 'tests/support/app-child.ts', /^ready (\d+)$/m))[1]);
  await start('worker', 'workers/projector.ts', /Projection worker .* started/);
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'clerk', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  token = ((await res.json()) as { token: string }).token;
}, 200_000);

afterAll(async () => {
  children.forEach((child) => child.kill('SIGKILL'));
  await pool.end();
});

describe('one request id through the whole path', () => {
  it('finds the request, the command, the events, the batch and the push by the X-Request-Id', async () => {
    const requestId = `trace-${randomUUID()}`;
    const res = await fetch(`http://127.0.0.1:${port}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({
        customerId: seedCustomers()[0]!.id,
        items: [{ sku: 'SKU-0001', quantity: 1 }],
        shippingAddress: { name: 'Ada', line1: '1 Loop St', city: 'Oslo', postalCode: '0150', country: 'NO' },
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    const { orderId } = (await res.json()) as { orderId: string };

    const request = await until('request line', () =>
      logs('app').find((e) => e.component === 'http' && e.requestId === requestId),
    );
    expect(request).toMatchObject({ msg: 'request', method: 'POST', route: '/api/orders', status: 201 });
    const command = logs('app').find((e) => e.component === 'command' && e.correlationId === requestId);
    expect(command).toMatchObject({
      msg: 'command handled',
      commandType: 'PlaceOrder',
      requestId,
      orderId,
      result: 'ok',
    });

    const { rows } = await pool.query<{ metadata: Record<string, unknown> }>(
      'SELECT metadata FROM events WHERE stream_id = $1',
      [`order-${orderId}`],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.metadata).toMatchObject({ correlationId: requestId, requestId });

    const has = (e: LogEntry) => Array.isArray(e.correlationIds) && e.correlationIds.includes(requestId);
    const batch = await until('batch line', () => logs('worker').find((e) => e.component === 'projector' && has(e)));
    expect(batch).toMatchObject({ msg: 'batch applied', slot: 'main', events: expect.any(Number) });
    const push = await until('push line', () => logs('app').find((e) => e.component === 'live' && has(e)));
    expect(push).toMatchObject({ msg: 'push emitted', latencyMs: expect.any(Number) });
    // Every projection version applies the event, each in a batch of its own.
    const expected = PROJECTIONS.map((p) => `${p.name} v${p.version}`).sort();
    const seen = await until('a batch of every projection', () => {
      const names = [
        ...new Set(
          logs('worker')
            .filter(has)
            .map((e) => `${String(e.projection)} v${String(e.version)}`),
        ),
      ];
      return names.length === expected.length ? names : undefined;
    });
    expect(seen.sort()).toEqual(expected);
  });

  it('gives a request without a usable X-Request-Id one of its own', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { 'x-request-id': 'not valid!' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await until('request line', () => logs('app').find((e) => e.requestId === id && e.route === '/api/health'));
  });
});

describe('no secrets in the logs', () => {
  it('never logs the password, a token, the session secret or the database password', async () => {
    // A failed and a good sign-in, a bearer token and a cookie, and a request that fails.
    await fetch(`http://127.0.0.1:${port}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'clerk', password: `${PASSWORD}-wrong` }),
    });
    const me = await fetch(`http://127.0.0.1:${port}/api/auth/me`, { headers: { cookie: `ll_session=${token}` } });
    expect(me.status).toBe(200);
    const bad = await fetch(`http://127.0.0.1:${port}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"not json',
    });
    expect(bad.status).toBe(400);
    await until('the last request line', () => logs('app').find((e) => e.route === '/api/orders' && e.status === 400));

    const all = output.app + output.worker;
    expect(all.length).toBeGreaterThan(1_000);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.')[2]!); // not even the signature alone
    expect(all).not.toContain(SESSION_SECRET);
    const dbPassword = decodeURIComponent(new URL(url).password);
    if (dbPassword) expect(all).not.toContain(`:${dbPassword}@`);
  });
});
