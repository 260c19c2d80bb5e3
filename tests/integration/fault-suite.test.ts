import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { livePostmaster } from '../../lib/db/postmaster';
import { FAULT_DEMO_PASSWORD, startCluster, type Cluster } from '../support/fault-cluster';
import { fold, loadOrderEvents, publicTables, readProjected } from '../support/fold';
import { seededRandom } from '../support/random';

// Commands from concurrent clients over the JSON API while the app, the worker
// or the postmaster is SIGKILLed at seeded random moments; then: every
// acknowledged command is stored, nothing is half-written, and every
// projection converges to the fold of the events. Replay a run with FAULT_SEED.

const SEED = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);
const CLIENTS = 4;
const KILLS = 3;

type Kind = 'place' | 'ship' | 'cancel' | 'adjust' | 'readdress';
type Ack = { key: string; kind: Kind; orderId: string; version: number; position: string };
type Run = { acks: Ack[]; statuses: Record<string, number>; unacknowledged: number };

let cluster: Cluster;
let pool: pg.Pool;
let token: string;
let customers: string[];

/** A cluster for the scenarios of the calling describe block (they run one after another). */
function useCluster(options: { external?: boolean } = {}) {
  beforeAll(async () => {
    cluster = await startCluster(options);
    await cluster.startApp();
    await cluster.startWorker();
    pool = new pg.Pool({ connectionString: cluster.databaseUrl, max: 2 });
    pool.on('error', () => {});
    token = '';
    const signIn = await api('POST', '/api/auth/token', { username: 'operator', password: FAULT_DEMO_PASSWORD });
    token = ((await signIn.json()) as { token: string }).token;
    const list = (await (await api('GET', '/api/customers')).json()) as { customers: { id: string }[] };
    customers = list.customers.slice(0, 12).map((c) => c.id);
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await cluster?.stop();
  });
}

function api(method: string, path: string, body?: unknown, key?: string) {
  return fetch(`http://127.0.0.1:${cluster.appPort()}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

const address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Way',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};

/**
 * Clients send commands until `stop()` says so. A command that meets a
 * refused connection or a 503 is sent again with its Idempotency-Key, for a
 * while; it counts as acknowledged only on a 2xx.
 */
function load(rng: () => number) {
  const run: Run = { acks: [], statuses: {}, unacknowledged: 0 };
  const placed: string[] = [];
  let stopping = false;
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
  const count = (status: string) => (run.statuses[status] = (run.statuses[status] ?? 0) + 1);

  async function send(kind: Kind) {
    const key = randomUUID();
    const orderId = kind === 'place' ? undefined : pick(placed);
    const request: [string, unknown] =
      kind === 'place'
        ? [
            '/api/orders',
            {
              customerId: pick(customers),
              items: [
                {
                  sku: `SKU-${String(1 + Math.floor(rng() * 60)).padStart(4, '0')}`,
                  quantity: 1 + Math.floor(rng() * 3),
                },
              ],
              shippingAddress: address,
            },
          ]
        : kind === 'adjust'
          ? [`/api/orders/${orderId}/adjust`, { amountDelta: 1 + Math.floor(rng() * 50), reason: 'price match' }]
          : kind === 'cancel'
            ? [`/api/orders/${orderId}/cancel`, { reason: 'customer asked' }]
            : kind === 'readdress'
              ? [
                  `/api/orders/${orderId}/shipping-address`,
                  { address: { ...address, line1: `${key.slice(0, 4)} Relay Row` } },
                ]
              : [`/api/orders/${orderId}/ship`, {}];
    // Retries stop 15 s after the load does: a command still unanswered by then is unacknowledged.
    for (let giveUpAt = Infinity; Date.now() < giveUpAt;) {
      if (stopping && giveUpAt === Infinity) giveUpAt = Date.now() + 15_000;
      let status: number;
      let body: unknown;
      try {
        const res = await api('POST', request[0], request[1], key);
        status = res.status;
        body = await res.json().catch(() => null);
      } catch {
        count('network');
        await sleep(100 + rng() * 200);
        continue;
      }
      count(String(status));
      if (status === 503) {
        await sleep(100 + rng() * 200);
        continue;
      }
      if (status >= 200 && status < 300) {
        const result = body as { orderId: string; version: number; position: string };
        run.acks.push({ key, kind, ...result });
        if (kind === 'place') placed.push(result.orderId);
      }
      return; // 409s (rules, conflicts) are answers too; any other status fails the run below
    }
    run.unacknowledged++;
  }

  const clients = Array.from({ length: CLIENTS }, async () => {
    while (!stopping) {
      const roll = rng();
      // A pause between commands: the load is there to be interrupted, not to saturate the machine.
      await sleep(rng() * 20);
      await send(
        placed.length < 4 || roll < 0.4
          ? 'place'
          : roll < 0.55
            ? 'ship'
            : roll < 0.65
              ? 'cancel'
              : roll < 0.85
                ? 'adjust'
                : 'readdress',
      );
    }
  });
  return {
    run,
    stop: async () => {
      stopping = true;
      await Promise.all(clients);
      return run;
    },
  };
}

async function healthy(timeoutMs: number) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    const ok = await api('GET', '/api/health').then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return true;
  }
  return false;
}

/** The store's invariants after the faults, and the acknowledged commands in it. */
async function checkStore(run: Run) {
  // Every acknowledged command's event, at the version and position it was acknowledged with.
  const { rows: events } = await pool.query<{
    stream_id: string;
    stream_version: number;
    position: string;
    command_id: string | null;
  }>(
    `SELECT stream_id, stream_version, transaction_id::text || ':' || global_position::text AS position,
            metadata->>'commandId' AS command_id FROM events`,
  );
  const at = new Map(events.map((e) => [`${e.stream_id}@${e.stream_version}`, e]));
  for (const ack of run.acks) {
    const event = at.get(`order-${ack.orderId}@${ack.version}`);
    expect(event, `acknowledged ${ack.kind} ${ack.key}`).toBeDefined();
    expect(event!.position).toBe(ack.position);
    // Placing and adjusting always write; the others may find nothing to change and write nothing.
    if (ack.kind === 'place' || ack.kind === 'adjust') expect(event!.command_id).toBe(ack.key);
  }
  // No stream with a missing or extra version, or a stream row out of step with its events.
  const { rows: broken } = await pool.query(
    `SELECT s.stream_id, s.version, count(e.*) AS n, min(e.stream_version) AS lo, max(e.stream_version) AS hi
       FROM streams s LEFT JOIN events e USING (stream_id) GROUP BY s.stream_id, s.version
     HAVING count(e.*) <> s.version OR min(e.stream_version) <> 1 OR max(e.stream_version) <> s.version`,
  );
  expect(broken).toEqual([]);
  // A command is all or nothing: its idempotency row and its events in one transaction, or neither.
  const { rows: halves } = await pool.query(
    `SELECT c.command_id, e.command_id AS event_command FROM commands c
       -- A command's row is keyed by its caller and key (<user id>/<Idempotency-Key>).
       FULL JOIN (SELECT (metadata->'actor'->>'id') || '/' || (metadata->>'commandId') AS command_id,
                         transaction_id, global_position FROM events) e
         ON e.command_id = c.command_id
      WHERE c.command_id IS NULL OR e.command_id IS NULL
         OR e.transaction_id::text::bigint <> c.transaction_id OR e.global_position <> c.position`,
  );
  expect(halves).toEqual([]);
}

/** Waits for every projection to equal the fold of the events (the worker must have caught up). */
async function checkProjections(timeoutMs = 30_000) {
  let projected;
  let expected;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) {
    expected = fold(await loadOrderEvents(pool));
    projected = await readProjected(publicTables(pool));
    if (JSON.stringify(projected) === JSON.stringify(expected)) break;
  }
  const { rows: status } = await pool.query(
    'SELECT name, status, transaction_id, global_position, owner, last_error, heartbeat_at FROM projection_checkpoints ORDER BY name',
  );
  expect(projected, `projections: ${JSON.stringify(status)}`).toEqual(expected);
}

async function scenario(victim: 'app' | 'worker' | 'postmaster' | 'external postmaster', seed: number) {
  onTestFailed(() => console.error(`fault suite (seed ${seed}) output:\n${cluster.logs().slice(-150).join('\n')}`));
  const rng = seededRandom(seed);
  const traffic = load(rng);
  const recoveries: number[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    await sleep(400 + rng() * 1_200);
    const killedAt = Date.now();
    if (victim === 'app') {
      await cluster.killApp();
      await sleep(rng() * 500);
      await cluster.startApp();
    } else if (victim === 'worker') {
      await cluster.killWorker();
      await sleep(rng() * 500);
      await cluster.startWorker();
    } else {
      const killed = cluster.killPostmaster();
      // Idle connections may answer for a moment after their postmaster died: wait for the death first.
      while (livePostmaster(cluster.dataDir)?.pid === killed) await sleep(10);
      if (victim === 'external postmaster') {
        // Nobody restarts a DATABASE_URL server but its operator, a moment later.
        await sleep(500 + rng() * 1_000);
        await cluster.restartPostgres();
      }
    }
    // Back: the app answers and its database does.
    expect(await healthy(30_000)).toBe(true);
    recoveries.push(Date.now() - killedAt);
  }
  await sleep(500);
  const run = await traffic.stop();
  console.log(
    `fault suite, ${victim} SIGKILLed ${KILLS}× (seed ${seed}): ${run.acks.length} acknowledged, ` +
      `${run.unacknowledged} unacknowledged; statuses ${JSON.stringify(run.statuses)}; back after ${recoveries.join(', ')} ms`,
  );
  expect(run.acks.length).toBeGreaterThan(20);
  // Refused connections and 503s while something is down, 409s from the domain; never a 500.
  const unexpected = Object.keys(run.statuses).filter((s) => !['200', '201', '409', '503', 'network'].includes(s));
  expect(unexpected).toEqual([]);
  if (victim.endsWith('postmaster')) {
    // The app itself stayed up: every request got an answer, the 503 that says "try again".
    expect(run.statuses['503']).toBeGreaterThan(0);
    expect(run.statuses.network).toBeUndefined();
  }
  await checkStore(run);
  await checkProjections();
}

describe('fault suite on the embedded PostgreSQL', () => {
  useCluster();
  it(`SIGKILLed postmaster: only 503s while it is down, then recovery (seed ${SEED})`, { timeout: 90_000 }, () =>
    scenario('postmaster', SEED),
  );
  it(`SIGKILLed app process (seed ${SEED + 1})`, { timeout: 120_000 }, () => scenario('app', SEED + 1));
  it(`SIGKILLed worker process (seed ${SEED + 2})`, { timeout: 90_000 }, () => scenario('worker', SEED + 2));
});

describe('fault suite on a DATABASE_URL server', () => {
  useCluster({ external: true });
  it(
    `SIGKILLed and restarted by its operator: only 503s meanwhile, recovery without an app restart (seed ${SEED + 3})`,
    { timeout: 90_000 },
    () => scenario('external postmaster', SEED + 3),
  );
});
