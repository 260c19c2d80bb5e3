import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeToken } from '../../lib/auth/tokens';
import { placeOrder, type PlaceOrderInput } from '../../lib/commands';
import { seedCustomers } from '../../lib/db/seed';
import { createAppendNotifier, createEventStore } from '../../lib/event-store';
import { comparePositions } from '../../lib/event-store/position';
import type { ProjectionMessage } from '../../lib/live/rooms';
import { attachLive, type Live, type SubscribeAck } from '../../lib/live/server';
import { PROJECTIONS } from '../../lib/read-models';
import { PROJECTIONS_CHANNEL, startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { isolatedDatabase } from '../support/db';
import { sessionTokenFor } from '../support/session';

/** socket.io-client's Socket is not a Node EventEmitter, so no events.once(). */
const connected = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once('connect', () => resolve())));

// Two web nodes and one projection worker on one database of this file's own,
// talking only through PostgreSQL, with real Socket.IO clients over loopback.

type WebNode = { name: string; http: HttpServer; live: Live; url: string };
type Received = { message: ProjectionMessage; at: number };
type Probe = {
  socket: Socket;
  messages: Received[];
  resyncs: number[];
  /** Called after every message or resync, so waiters need not poll. */
  changed: Set<() => void>;
};

const customers = seedCustomers();
const address = {
  name: 'Grace Hopper',
  line1: '1 Compiler Way',
  city: 'Arlington',
  postalCode: '22201',
  country: 'US',
};
const orderOf = (customerId: string, n = 1): PlaceOrderInput => ({
  customerId,
  items: [{ sku: `SKU-${String((n % 60) + 1).padStart(4, '0')}`, quantity: (n % 3) + 1 }],
  shippingAddress: address,
});
const tag = randomUUID().slice(0, 8);

let url: string;
let pool: pg.Pool;
let services: Parameters<typeof placeOrder>[0];
let worker: ProjectionWorker;
let token: string;
const nodes: WebNode[] = [];
const probes: Probe[] = [];

async function startNode(name: string, sessionCheckMs?: number): Promise<WebNode> {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const live = attachLive(http, { connectionString: url, applicationName: `ll-live-${name}-${tag}`, sessionCheckMs });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const node = { name, http, live, url: `http://127.0.0.1:${address.port}` };
  nodes.push(node);
  return node;
}

async function probe(node: WebNode, rooms: string[]): Promise<Probe> {
  const socket = connect(node.url, {
    transports: ['websocket'],
    forceNew: true,
    auth: { token },
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
  const p: Probe = { socket, messages: [], resyncs: [], changed: new Set() };
  probes.push(p);
  const changed = () => p.changed.forEach((fn) => fn());
  socket.on('projection', (message: ProjectionMessage) => {
    p.messages.push({ message, at: performance.now() });
    changed();
  });
  socket.on('resync', () => {
    p.resyncs.push(performance.now());
    changed();
  });
  await connected(socket);
  const ack = (await socket.emitWithAck('subscribe', rooms)) as SubscribeAck;
  expect(ack).toEqual({ joined: rooms, rejected: 0 });
  return p;
}

/** Resolves once `test` holds for what `p` has received. */
function until<T>(p: Probe, test: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const value = test();
      if (value === undefined) return;
      clearTimeout(timer);
      p.changed.delete(check);
      resolve(value);
    };
    const timer = setTimeout(() => {
      p.changed.delete(check);
      reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(p.messages.map((r) => r.message))}`));
    }, timeoutMs);
    p.changed.add(check);
    check();
  });
}

const about = (projection: string, view: string, id: string) => (m: ProjectionMessage) =>
  m.projection === projection && (m.keys?.[view]?.includes(id) ?? false);

const messageFor = (p: Probe, projection: string, view: string, id: string) =>
  until(p, () => p.messages.find((r) => about(projection, view, id)(r.message)), `${projection} ${id}`);

/** Backend pid of a node's LISTEN connection, once it is listening. */
async function listenerPid(node: WebNode, other?: number): Promise<number> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    const { rows } = await pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1 AND query LIKE 'LISTEN%' AND pid <> $2`,
      [`ll-live-${node.name}-${tag}`, other ?? 0],
    );
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${node.name} is not listening`);
}

beforeAll(async () => {
  url = await isolatedDatabase();
  pool = new pg.Pool({ connectionString: url, max: 10 });
  token = await sessionTokenFor(pool);
  services = {
    store: createEventStore(pool, { schemas: EVENT_SCHEMAS, onAppended: createAppendNotifier(pool) }),
    pool,
  };
  worker = startProjectionWorker({ connectionString: url, projections: PROJECTIONS, pollMs: 50, lockRetryMs: 50 });
  const [a, b] = [await startNode('a'), await startNode('b')];
  await Promise.all([listenerPid(a!), listenerPid(b!)]);
});

afterAll(async () => {
  probes.forEach((p) => p.socket.disconnect());
  for (const node of nodes) {
    await node.live.close();
    await new Promise((resolve) => node.http.close(resolve));
  }
  await worker?.stop();
  await pool?.end();
});

describe('live push', () => {
  it('pushes each batch to the rooms it concerns on every web node, past the command position', async () => {
    const [a, b] = nodes as [WebNode, WebNode];
    const orderId = randomUUID();
    const customerId = customers[7]!.id;
    const viewsOnA = await probe(a, ['orders', 'customers', 'projections']);
    const rowsOnB = await probe(b, [`order:${orderId}`, `customer:${customerId}`]);
    const strangers = [await probe(a, [`order:${randomUUID()}`]), await probe(b, [`order:${randomUUID()}`])];

    const result = await placeOrder(services, orderOf(customerId), { orderId });

    for (const p of [viewsOnA, rowsOnB]) {
      const summary = await messageFor(p, 'order_summaries', 'orders', orderId);
      const stats = await messageFor(p, 'customer_stats', 'customers', customerId);
      for (const { message } of [summary, stats]) {
        expect(comparePositions(message.checkpoint, result.position)).toBeGreaterThanOrEqual(0);
        expect(message.version).toBe(1);
      }
    }
    // Every batch reaches 'projections', dashboard batches included …
    await until(
      viewsOnA,
      () => viewsOnA.messages.find((r) => r.message.projection === 'order_metrics'),
      'order_metrics',
    );
    // … and a socket in several concerned rooms still gets each batch once.
    const batches = viewsOnA.messages.map(
      (r) => `${r.message.projection}v${r.message.version}@${r.message.checkpoint}`,
    );
    expect(new Set(batches).size).toBe(batches.length);
    // Row rooms get their rows' projections only.
    expect(rowsOnB.messages.every((r) => r.message.projection !== 'order_metrics')).toBe(true);
    // The worker has published all three batches; give a stray push time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const stranger of strangers) expect(stranger.messages).toEqual([]);
  });

  it('sends views the serving version only; a version building beside it reaches projections, marked', async () => {
    const [, b] = nodes as [WebNode, WebNode];
    const dashboard = await probe(b, ['dashboard']);
    const progress = await probe(b, ['projections']);
    const result = await placeOrder(services, orderOf(customers[8]!.id, 5));
    const past = (r: Received) => comparePositions(r.message.checkpoint, result.position) >= 0;
    // order_metrics v2 is registered, built by the worker, and does not serve (v1 does).
    const building = await until(
      progress,
      () =>
        progress.messages.find((r) => r.message.projection === 'order_metrics' && r.message.version === 2 && past(r)),
      'order_metrics v2',
    );
    expect(building.message.serving).toBe(false);
    const serving = await until(
      dashboard,
      () => dashboard.messages.find((r) => past(r)),
      'order_metrics v1 on the dashboard',
    );
    expect(serving.message).toMatchObject({ projection: 'order_metrics', version: 1, serving: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(dashboard.messages.every((r) => r.message.version === 1 && r.message.serving === true)).toBe(true);
    expect(progress.messages.filter((r) => r.message.serving === false).every((r) => r.message.version === 2)).toBe(
      true,
    );
  });

  it("never lets a rebuild's batch reach views or move read-your-writes, even of the serving version", async () => {
    const [, b] = nodes as [WebNode, WebNode];
    const dashboard = await probe(b, ['dashboard']);
    const progress = await probe(b, ['projections']);
    // What the worker sends for a batch of order_metrics v1's rebuild slot (v1 serves).
    const checkpoint = '999999999:1';
    await services.pool.query('SELECT pg_notify($1, $2)', [
      PROJECTIONS_CHANNEL,
      JSON.stringify({ projection: 'order_metrics', version: 1, slot: 'rebuild', checkpoint, keys: {} }),
    ]);
    const rebuild = await until(
      progress,
      () => progress.messages.find((r) => r.message.checkpoint === checkpoint),
      'the rebuild batch on projections',
    );
    expect(rebuild.message).toMatchObject({ version: 1, slot: 'rebuild', serving: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(dashboard.messages.some((r) => r.message.checkpoint === checkpoint)).toBe(false);
  });

  it('keeps a node live across a killed LISTEN connection, and says resync for what it missed', async () => {
    const [a] = nodes as [WebNode];
    const p = await probe(a, ['orders']);
    const pid = await listenerPid(a);
    await pool.query('SELECT pg_terminate_backend($1)', [pid]);

    // Placed while the node cannot hear: either its push or a later resync reaches the client.
    const during = await placeOrder(services, orderOf(customers[11]!.id, 2));
    const committedAt = performance.now();
    await until(
      p,
      () =>
        p.messages.find((r) => about('order_summaries', 'orders', during.orderId)(r.message)) ??
        p.resyncs.find((at) => at > committedAt),
      'a push or a resync',
    );
    const newPid = await listenerPid(a, pid);
    expect(newPid).not.toBe(pid);

    const after = await placeOrder(services, orderOf(customers[12]!.id, 3));
    const { message } = await messageFor(p, 'order_summaries', 'orders', after.orderId);
    expect(comparePositions(message.checkpoint, after.position)).toBeGreaterThanOrEqual(0);
  });

  it('refuses a socket without a valid session, and accepts the cookie or a bearer token', async () => {
    const [a] = nodes as [WebNode];
    const refusal = (options: Parameters<typeof connect>[1]) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(a.url, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
        socket.once('connect', () => {
          socket.disconnect();
          reject(new Error('connected without a valid session'));
        });
        socket.once('connect_error', (error) => {
          socket.disconnect();
          resolve(error.message);
        });
      });
    const viewer = await sessionTokenFor(pool, 'viewer');
    const [header, payload] = viewer.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const expired = await sessionTokenFor(pool, 'viewer', new Date(Date.now() - 9 * 60 * 60 * 1000));
    expect(await refusal({})).toBe('UNAUTHENTICATED');
    expect(await refusal({ auth: { token: forged } })).toBe('UNAUTHENTICATED');
    expect(await refusal({ auth: { token: expired } })).toBe('UNAUTHENTICATED');
    expect(await refusal({ extraHeaders: { cookie: 'll_session=garbage' } })).toBe('UNAUTHENTICATED');

    const credentials: Record<string, string>[] = [
      { cookie: `other=1; ll_session=${viewer}` },
      { authorization: `Bearer ${viewer}` },
    ];
    for (const extraHeaders of credentials) {
      const socket = connect(a.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders });
      probes.push({ socket, messages: [], resyncs: [], changed: new Set() });
      await connected(socket);
      const ack = (await socket.emitWithAck('subscribe', ['orders'])) as SubscribeAck;
      expect(ack).toEqual({ joined: ['orders'], rejected: 0 });
    }
  });

  it('tells and closes a socket whose session ends while it is open, and no other', async () => {
    const c = await startNode('c', 100);
    const [ending, staying] = [await sessionTokenFor(pool), await sessionTokenFor(pool)];
    const open = async (token: string) => {
      const socket = connect(c.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token },
      });
      probes.push({ socket, messages: [], resyncs: [], changed: new Set() });
      await connected(socket);
      return socket;
    };
    const [a, b] = [await open(ending), await open(staying)];
    const told = new Promise<void>((resolve) => a.once('session-ended', () => resolve()));
    const closed = new Promise<string>((resolve) => a.once('disconnect', (reason) => resolve(reason)));
    expect(await revokeToken(pool, ending)).toBe(true);
    await told;
    expect(await closed).toBe('io server disconnect');
    await new Promise((resolve) => setTimeout(resolve, 300)); // three more sweeps
    expect(b.connected).toBe(true);
  });

  it('accepts only valid room names, caps rooms per socket, and survives junk notifications', async () => {
    const [a] = nodes as [WebNode];
    const socket = connect(a.url, { transports: ['websocket'], forceNew: true, auth: { token } });
    probes.push({ socket, messages: [], resyncs: [], changed: new Set() });
    await connected(socket);
    const id = randomUUID();
    const junk = (await socket.emitWithAck('subscribe', [
      'orders',
      'everything',
      42,
      { room: 'orders' },
      'order:not-a-uuid',
      socket.id,
      `order:${id.toUpperCase()}`,
    ])) as SubscribeAck;
    expect(junk).toEqual({ joined: ['orders', `order:${id}`], rejected: 5 });
    const many = Array.from({ length: 150 }, () => `customer:${randomUUID()}`);
    const capped = (await socket.emitWithAck('subscribe', many)) as SubscribeAck;
    expect(capped.joined).toHaveLength(98);
    expect(capped.rejected).toBe(52);

    const p = await probe(a, [`order:${id}`]);
    for (const payload of [
      'not json',
      '{"projection":1}',
      '{"projection":"order_summaries","version":1,"checkpoint":"x","keys":{}}',
    ]) {
      await pool.query(`SELECT pg_notify('ll_projections', $1)`, [payload]);
    }
    // Keys left out (a batch too big for NOTIFY): every order room may be concerned.
    const tooBig = { projection: 'order_summaries', version: 1, checkpoint: '1:1', keys: null };
    await pool.query(`SELECT pg_notify('ll_projections', $1)`, [JSON.stringify(tooBig)]);
    const { message } = await until(p, () => p.messages[0], 'the keyless batch');
    expect(message).toEqual({ ...tooBig, serving: true });
    expect(p.messages).toHaveLength(1);
  });

  it('measures commit-to-client latency over 50 orders (printed, not asserted)', async () => {
    const [a, b] = nodes as [WebNode, WebNode];
    const onA = await probe(a, ['orders']);
    const onB = await probe(b, ['orders']);
    // A LISTEN of the test's own splits the time into the worker's share (up
    // to its NOTIFY) and live push's (NOTIFY → PostgreSQL → node → socket).
    const notified = new Map<string, number>();
    const tap = new pg.Client({ connectionString: url });
    await tap.connect();
    tap.on('notification', ({ payload }) => {
      const message = JSON.parse(payload!) as ProjectionMessage;
      if (message.projection === 'order_summaries')
        message.keys?.orders?.forEach((id) => notified.set(id, performance.now()));
    });
    await tap.query('LISTEN ll_projections');
    // 'push share' is node a's client hearing minus the tap hearing: both are
    // LISTENers, so it can come out negative; it is an estimate.
    const latencies: Record<string, number[]> = {
      'node a': [],
      'node b': [],
      'worker share': [],
      'push share (a)': [],
    };
    try {
      for (let i = 0; i < 50; i++) {
        const result = await placeOrder(services, orderOf(customers[i % customers.length]!.id, i));
        const returnedAt = performance.now();
        const [ra, rb] = await Promise.all([
          messageFor(onA, 'order_summaries', 'orders', result.orderId),
          messageFor(onB, 'order_summaries', 'orders', result.orderId),
        ]);
        // A push can beat the command's own return to the caller: that counts as 0.
        latencies['node a']!.push(Math.max(0, ra.at - returnedAt));
        latencies['node b']!.push(Math.max(0, rb.at - returnedAt));
        // Each LISTEN connection is served on its own: the tap may hear after the nodes' clients.
        for (let wait = 0; !notified.has(result.orderId) && wait < 100; wait++)
          await new Promise((r) => setTimeout(r, 5));
        const heard = notified.get(result.orderId);
        if (heard !== undefined) {
          latencies['worker share']!.push(Math.max(0, heard - returnedAt));
          latencies['push share (a)']!.push(ra.at - heard);
        }
      }
    } finally {
      await tap.end();
    }
    for (const [label, values] of Object.entries(latencies)) {
      const sorted = [...values].sort((x, y) => x - y);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]?.toFixed(1);
      console.log(
        `live push, command returned → order_summaries push, ${label}: n=${sorted.length} p50=${at(0.5)} ms p95=${at(0.95)} ms max=${at(1)} ms`,
      );
    }
    expect(latencies['node a']).toHaveLength(50);
  });
});
