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
async function push(projection: string, keys: Record<string, string[]> | null) {
  const message = { projection, version: 1, checkpoint: `7:${position++}`, keys };
  await pool.query(`SELECT pg_notify('ll_projections', $1)`, [JSON.stringify(message)]);
  return message;
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
});
