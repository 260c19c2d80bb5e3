import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCaughtUp } from '../../lib/live/checkpoints';
import { createLiveHub, type LiveHub, type LiveMessage } from '../../lib/live/hub';
import { attachLive, type Live } from '../../lib/live/server';
import { isolatedDatabase } from '../support/db';
import { sessionTokenFor } from '../support/session';

/** socket.io-client's Socket is not a Node EventEmitter, so no events.once(). */
const connected = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once('connect', () => resolve())));

// The browser side's subscription bookkeeping (lib/live/hub.ts, what the hooks
// in client.ts stand on) against a real node. Batches are NOTIFYed by hand, as
// the worker would, so each test decides exactly what is pushed.

const http = createServer((_req, res) => res.writeHead(404).end());
let live: Live;
let pool: pg.Pool;
let hub: LiveHub;
const socketUrl = () => {
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
};
let socket: ReturnType<typeof connect>;
const applicationName = `ll-live-client-${randomUUID().slice(0, 8)}`;

const roomSize = (room: string) => live.io.of('/').adapter.rooms.get(room)?.size ?? 0;
async function eventually(test: () => boolean, what: string) {
  for (const deadline = Date.now() + 10_000; !test(); await sleep(10)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}
let position = 100;
async function push(projection: string, keys: Record<string, string[]> | null, version = 1) {
  const message = { projection, version, checkpoint: `7:${position++}`, keys };
  await pool.query(`SELECT pg_notify('ll_projections', $1)`, [JSON.stringify(message)]);
  // As delivered: the node marks whether the version serves (on a fresh database v1 of each does).
  return { ...message, serving: version === 1 };
}

beforeAll(async () => {
  const url = await isolatedDatabase();
  pool = new pg.Pool({ connectionString: url, max: 2 });
  live = attachLive(http, { connectionString: url, applicationName });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  socket = connect(socketUrl(), {
    transports: ['websocket'],
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    auth: { token: await sessionTokenFor(pool) },
  });
  hub = createLiveHub(socket);
  await connected(socket);
  // A NOTIFY sent before the node LISTENs would go unheard.
  const listening = async () =>
    (
      await pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [
        applicationName,
      ])
    ).rowCount === 1;
  for (const deadline = Date.now() + 15_000; !(await listening()); await sleep(20)) {
    if (Date.now() > deadline) throw new Error('the node is not listening');
  }
});

afterAll(async () => {
  socket?.disconnect();
  await live?.close();
  await new Promise((resolve) => http.close(resolve));
  await pool?.end();
});

describe('live hub (one socket per tab)', () => {
  it('counts room users: StrictMode mount, unmount, mount keeps the room; the last leave leaves it', async () => {
    const room = `order:${randomUUID()}`;
    const got: LiveMessage[] = [];
    // What StrictMode does to an effect: run, clean up, run again, all at once.
    hub.subscribe([room], (m) => got.push(m))();
    const first = hub.subscribe([room], (m) => got.push(m));
    const second = hub.subscribe([room, 'not a room'], () => {});
    await eventually(() => roomSize(room) === 1, 'the room joined');

    first();
    first(); // a second call must not release someone else's use
    const id = room.slice('order:'.length);
    await push('order_summaries', { orders: [id] });
    await sleep(200);
    expect(roomSize(room)).toBe(1);
    expect(got).toEqual([]); // the listener is gone even though the room stays

    second();
    await eventually(() => roomSize(room) === 0, 'the room left');
  });

  it('hands each message only to the hooks whose rooms it concerns, and tracks checkpoints', async () => {
    const mine = randomUUID();
    const other = randomUUID();
    const rows: LiveMessage[] = [];
    const views: LiveMessage[] = [];
    const stopRows = hub.subscribe([`order:${mine}`], (m) => rows.push(m));
    const stopViews = hub.subscribe(['customers'], (m) => views.push(m));
    await eventually(() => roomSize(`order:${mine}`) === 1 && roomSize('customers') === 1, 'rooms');

    await push('order_summaries', { orders: [other] }); // reaches no room of this socket
    const forMe = await push('order_summaries', { orders: [other, mine] });
    const stats = await push('customer_stats', { customers: [randomUUID()] });
    await eventually(
      () => rows.some((m) => m.type === 'projection') && views.some((m) => m.type === 'projection'),
      'deliveries',
    );
    await sleep(100);
    // A 'resync' (sent after any reconnect, e.g. a late one from the previous
    // test) may arrive at any time; routing is about projection messages.
    const pushes = (list: LiveMessage[]) => list.filter((m) => m.type === 'projection');
    expect(pushes(rows)).toEqual([{ type: 'projection', message: forMe }]);
    expect(pushes(views)).toEqual([{ type: 'projection', message: stats }]);
    expect(hasCaughtUp(hub.checkpoints(), 'order_summaries', forMe.checkpoint)).toBe(true);
    expect(hasCaughtUp(hub.checkpoints(), 'order_summaries', `7:${position + 10}`)).toBe(false);
    expect(hasCaughtUp(hub.checkpoints(), 'order_metrics', '8:1')).toBe(false);
    expect(hasCaughtUp(hub.checkpoints(), 'nobody', '0:1')).toBe(false);
    stopRows();
    stopViews();
  });

  it('rejoins its rooms after the socket reconnects, and tells hooks to resync', async () => {
    const room = `customer:${randomUUID()}`;
    const got: LiveMessage[] = [];
    const stop = hub.subscribe([room], (m) => got.push(m));
    await eventually(() => roomSize(room) === 1, 'the room joined');

    socket.io.engine.close(); // the connection drops under the tab
    await eventually(() => got.some((m) => m.type === 'resync'), 'a resync');
    await eventually(() => roomSize(room) === 1, 'the room joined again');
    const message = await push('customer_stats', { customers: [room.slice('customer:'.length)] });
    await eventually(() => got.some((m) => m.type === 'projection'), 'the push after reconnecting');
    expect(got.filter((m) => m.type === 'projection')).toEqual([{ type: 'projection', message }]);
    stop();
  });

  it("forwards a version that does not serve to 'projections' only, and moves no checkpoint with it", async () => {
    const id = randomUUID();
    const views: LiveMessage[] = [];
    const all: LiveMessage[] = [];
    const stopViews = hub.subscribe(['orders', `order:${id}`], (m) => views.push(m));
    const stopAll = hub.subscribe(['projections'], (m) => all.push(m));
    await eventually(() => roomSize('orders') === 1 && roomSize('projections') === 1, 'rooms');

    const building = await push('order_summaries', { orders: [id] }, 2);
    await eventually(() => all.some((m) => m.type === 'projection'), 'the batch in projections');
    await sleep(100);
    const pushes = (list: LiveMessage[]) => list.filter((m) => m.type === 'projection');
    expect(pushes(all)).toEqual([{ type: 'projection', message: { ...building, serving: false } }]);
    expect(pushes(views)).toEqual([]);
    expect(hasCaughtUp(hub.checkpoints(), 'order_summaries', building.checkpoint)).toBe(false);
    stopViews();
    stopAll();
  });

  it('follows a switch of the serving version: views refetch, checkpoints are the new version’s', async () => {
    const dashboard: LiveMessage[] = [];
    const stop = hub.subscribe(['dashboard'], (m) => dashboard.push(m));
    await eventually(() => roomSize('dashboard') === 1, 'the room joined');
    const pushes = () => dashboard.filter((m) => m.type === 'projection').map((m) => m.message);
    const v1 = await push('order_metrics', { metrics: [] });
    await eventually(() => pushes().length === 1, 'the v1 batch');
    expect(hasCaughtUp(hub.checkpoints(), 'order_metrics', v1.checkpoint)).toBe(true);

    // v2 is behind v1 when it takes over.
    await pool.query(
      `INSERT INTO projection_checkpoints (name, version, transaction_id, global_position) VALUES ('order_metrics', 2, 7, 5)
       ON CONFLICT (name, version, slot) DO UPDATE SET transaction_id = 7, global_position = 5`,
    );
    const flip = async (version: number) => {
      await pool.query(`UPDATE projection_serving SET version = $1, switched_at = now() WHERE name = 'order_metrics'`, [
        version,
      ]);
      await pool.query(`SELECT pg_notify('ll_serving', 'order_metrics')`);
    };
    try {
      await flip(2);
      await eventually(() => pushes().length === 2, 'the switch');
      expect(pushes()[1]).toEqual({
        projection: 'order_metrics',
        version: 2,
        checkpoint: '7:5',
        keys: null,
        serving: true,
      });
      // Read-your-writes now waits for v2, which has not reached what v1 had.
      expect(hub.checkpoints().order_metrics).toBe('7:5');
      expect(hasCaughtUp(hub.checkpoints(), 'order_metrics', v1.checkpoint)).toBe(false);

      // From now on v1's batches are progress only; v2's reach the view.
      await push('order_metrics', { metrics: [] }, 1);
      const v2 = await push('order_metrics', { metrics: [] }, 2);
      expect(v2.serving).toBe(false); // push() assumes v1 serves; the node knows better
      await eventually(() => pushes().length === 3, 'the v2 batch');
      await sleep(100);
      expect(pushes().slice(2)).toEqual([{ ...v2, serving: true }]);
      expect(hub.checkpoints().order_metrics).toBe(v2.checkpoint);
    } finally {
      await flip(1);
    }
    // And back: the view refetches from v1 again.
    await eventually(() => pushes().length === 4, 'the switch back');
    expect(pushes()[3]).toMatchObject({ projection: 'order_metrics', version: 1, keys: null, serving: true });
    stop();
  });
});
