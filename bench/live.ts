/**
 * Live push latency: place-order commands over the HTTP API at a fixed rate
 * while Socket.IO clients watch the dashboard.
 *
 *   npx tsx bench/live.ts                      (200 commands/s for 60 s)
 *   BENCH_SECONDS=30 npx tsx bench/live.ts
 *   BENCH_RAMP=1 npx tsx bench/live.ts         (100, 200, 300 … /s, 10 s each)
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg; a fresh
 * database per run, dropped at the end), BENCH_RATE (200), BENCH_SECONDS (60),
 * BENCH_WARMUP_SECONDS (2), BENCH_CLIENTS (50), BENCH_RAMP (off),
 * BENCH_STEP_SECONDS (10, ramp), BENCH_RAMP_STEP (100, ramp), BENCH_TARGET_MS (100),
 * BENCH_INPROC_WORKER=1 (run the projection worker in this process instead of a child).
 *
 * One process holds: a node:http server on 127.0.0.1 routing POST /api/orders
 * to the real route handler with attachLive attached, the load generator and
 * the Socket.IO clients. The projection worker runs by default in a child
 * process (`node --import tsx workers/projector.ts`), as in production with
 * `npm run start:worker`, so it does not share this event loop.
 *
 * Latency of a command = from the moment its 201 response (with `position`)
 * arrives until a client has received a `projection` message for
 * order_summaries whose checkpoint is at or past that position; measured for
 * every (command, client) pair.
 */
import { databaseUrl, startBenchServer, withAdmin } from './support';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { register } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { io as connectClient, type Socket } from 'socket.io-client';
import { prepareDatabase } from '../lib/db/prepare';
import { seedCustomers, seedProducts } from '../lib/db/seed';
import { parsePosition, type Position } from '../lib/event-store/position';
import { attachLive } from '../lib/live/server';
import { PROJECTIONS } from '../lib/projections/all';
import { listProjectionStatus } from '../lib/projections/status';
import { startProjectionWorker, type ProjectionWorker } from '../lib/projections/worker';

// Next.js resolves `server-only` to a no-op on the server (react-server condition); so does this bench.
const emptyModule = pathToFileURL(path.resolve('node_modules/server-only/empty.js')).href;
register(
  'data:text/javascript,' +
    encodeURIComponent(
      `export async function resolve(s, c, n) { return s === 'server-only' ? { url: ${JSON.stringify(emptyModule)}, shortCircuit: true } : n(s, c); }`,
    ),
);

const RATE = positive('BENCH_RATE', 200);
const SECONDS = positive('BENCH_SECONDS', 60);
const WARMUP_SECONDS = nonNegative('BENCH_WARMUP_SECONDS', 2);
const CLIENTS = Math.round(positive('BENCH_CLIENTS', 50));
const RAMP = process.env.BENCH_RAMP === '1' || process.env.BENCH_RAMP === 'true';
const STEP_SECONDS = positive('BENCH_STEP_SECONDS', 10);
const RAMP_STEP = positive('BENCH_RAMP_STEP', 100);
const RAMP_MAX = positive('BENCH_RAMP_MAX', 2000);
const TARGET_MS = positive('BENCH_TARGET_MS', 100);
const INPROC_WORKER = process.env.BENCH_INPROC_WORKER === '1';
const DRAIN_MS = 10_000;
const ROOMS = ['dashboard', 'customers', 'orders', 'projections'];
const WATCHED = 'order_summaries';

let stopRequested = false;

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

const CUSTOMERS = seedCustomers().map((c) => c.id);
const SKUS = seedProducts().map((p) => p.sku);
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;

function placeOrderBody() {
  const lines = 1 + Math.floor(Math.random() * 3);
  const skus = new Set<string>();
  while (skus.size < lines) skus.add(pick(SKUS));
  return JSON.stringify({
    customerId: pick(CUSTOMERS),
    items: [...skus].map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 3) })),
    shippingAddress: { name: 'Bench Buyer', line1: '1 Load Street', city: 'Lyon', postalCode: '69001', country: 'FR' },
  });
}

// ---------------------------------------------------------------------------
// Watchers: Socket.IO clients that track order_summaries' checkpoint
// ---------------------------------------------------------------------------

type Command = { position: Position; t0: number; worst: number; remaining: number; phase: Phase; second: number };

type Watcher = {
  socket: Socket;
  checkpoint: Position | null;
  /** Commands this client has not yet seen confirmed. */
  pending: Command[];
  messages: number;
};

const atOrPast = (a: Position, b: Position) =>
  a.transactionId !== b.transactionId ? a.transactionId > b.transactionId : a.globalPosition >= b.globalPosition;

function record(command: Command, latency: number) {
  command.phase.pairLatencies.push(latency);
  command.phase.timeline[command.second]?.pair.push(latency);
  if (latency > command.worst) command.worst = latency;
  if (--command.remaining === 0) command.phase.worstLatencies.push(command.worst);
}

async function connectWatcher(url: string): Promise<Watcher> {
  const socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const watcher: Watcher = { socket, checkpoint: null, pending: [], messages: 0 };
  socket.on('projection', (message: { projection?: string; checkpoint?: string }) => {
    watcher.messages++;
    if (message.projection !== WATCHED || typeof message.checkpoint !== 'string') return;
    const now = performance.now();
    const checkpoint = parsePosition(message.checkpoint);
    if (watcher.checkpoint && atOrPast(watcher.checkpoint, checkpoint)) return;
    watcher.checkpoint = checkpoint;
    if (watcher.pending.length === 0) return;
    const still: Command[] = [];
    for (const command of watcher.pending) {
      if (atOrPast(checkpoint, command.position)) record(command, now - command.t0);
      else still.push(command);
    }
    watcher.pending = still;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = await socket.timeout(5_000).emitWithAck('subscribe', ROOMS);
  if (ack.joined.length !== ROOMS.length) throw new Error(`subscribe: ${JSON.stringify(ack)}`);
  return watcher;
}

// ---------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------

type Phase = {
  label: string;
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  httpLatencies: number[];
  pairLatencies: number[];
  worstLatencies: number[];
  commands: Command[];
  elapsed: number;
  /** Largest delay between a command's scheduled send time and its actual send. */
  maxSendDelay: number;
  lag: Map<string, { events: number; ms: number }>;
  cpuMicros: number;
  /** This process's event-loop delay (ms): p99 / max. */
  loopDelay: { p99: number; max: number };
  /** Per-second: commands due, HTTP p50 of those due in it. */
  timeline: Array<{ due: number; http: number[]; pair: number[] }>;
};

function newPhase(label: string, rate: number, seconds: number): Phase {
  return {
    label,
    rate,
    seconds,
    sent: 0,
    ok: 0,
    errors: 0,
    errorSamples: [],
    httpLatencies: [],
    pairLatencies: [],
    worstLatencies: [],
    commands: [],
    elapsed: 0,
    maxSendDelay: 0,
    lag: new Map(),
    cpuMicros: 0,
    loopDelay: { p99: NaN, max: NaN },
    timeline: [],
  };
}

function post(agent: Agent, port: number, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/orders',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Open loop: command i is due at start + i/rate whatever happened to earlier
 * ones. HTTP latency counts from the due time (no coordinated omission).
 */
async function runLoad(
  phase: Phase,
  ctx: { agent: Agent; port: number; watchers: Watcher[]; statusPool: pg.Pool },
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const total = Math.round(phase.rate * phase.seconds);
  const cpuBefore = process.cpuUsage();
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const started = performance.now();
  for (let s = 0; s < Math.ceil(phase.seconds); s++) phase.timeline.push({ due: 0, http: [], pair: [] });
  const sampler = setInterval(() => void sampleLag(ctx.statusPool, phase), 1_000);

  const sendOne = (due: number) => {
    const sendDelay = performance.now() - due;
    if (sendDelay > phase.maxSendDelay) phase.maxSendDelay = sendDelay;
    phase.sent++;
    const second = Math.floor((due - started) / 1000);
    const slot = phase.timeline[second];
    if (slot) slot.due++;
    const p = post(ctx.agent, ctx.port, placeOrderBody())
      .then(({ status, text }) => {
        const t0 = performance.now();
        phase.httpLatencies.push(t0 - due);
        slot?.http.push(t0 - due);
        let position: string | undefined;
        try {
          position = (JSON.parse(text) as { position?: string }).position;
        } catch {
          /* counted below */
        }
        if (status !== 201 || typeof position !== 'string') {
          fail(phase, `HTTP ${status}: ${text.slice(0, 200)}`);
          return;
        }
        phase.ok++;
        const command: Command = { position: parsePosition(position), t0, worst: 0, remaining: ctx.watchers.length, phase, second };
        phase.commands.push(command);
        for (const watcher of ctx.watchers) {
          if (watcher.checkpoint && atOrPast(watcher.checkpoint, command.position)) record(command, 0);
          else watcher.pending.push(command);
        }
      })
      .catch((error: Error) => fail(phase, error.message))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  await new Promise<void>((resolve) => {
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < total && started + (i * 1000) / phase.rate <= now) sendOne(started + (i++ * 1000) / phase.rate);
      if (i >= total || stopRequested) return resolve();
      const next = started + (i * 1000) / phase.rate;
      setTimeout(tick, Math.max(0, next - performance.now() - 0.5));
    };
    tick();
  });
  await Promise.all(inFlight);
  phase.elapsed = (performance.now() - started) / 1000;
  // Wait for every client to see every command confirmed (bounded).
  const drainUntil = performance.now() + DRAIN_MS;
  while (ctx.watchers.some((w) => w.pending.some((c) => c.phase === phase)) && performance.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(sampler);
  await sampleLag(ctx.statusPool, phase);
  eld.disable();
  phase.loopDelay = { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };
  const cpu = process.cpuUsage(cpuBefore);
  phase.cpuMicros = cpu.user + cpu.system;
  // Whatever was never confirmed is dropped from the pending lists (and reported as undelivered).
  for (const w of ctx.watchers) w.pending = w.pending.filter((c) => c.phase !== phase);
}

function fail(phase: Phase, message: string) {
  phase.errors++;
  if (phase.errorSamples.length < 5) phase.errorSamples.push(message);
}

async function sampleLag(pool: pg.Pool, phase: Phase) {
  try {
    for (const s of await listProjectionStatus(pool)) {
      const prev = phase.lag.get(s.name) ?? { events: 0, ms: 0 };
      phase.lag.set(s.name, { events: Math.max(prev.events, s.lagEvents), ms: Math.max(prev.ms, s.lagMs) });
    }
  } catch (error) {
    console.error('lag sample failed:', (error as Error).message);
  }
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

type Summary = {
  phase: Phase;
  achieved: number;
  pairs: { p50: number; p99: number; max: number; n: number };
  worst: { p50: number; p99: number; max: number; n: number };
  http: { p50: number; p99: number };
  undelivered: number;
  met: boolean;
};

function summarise(phase: Phase, clients: number): Summary {
  const stats = (values: number[]) => {
    const sorted = Float64Array.from(values).sort();
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
  };
  const pairs = stats(phase.pairLatencies);
  const undelivered = phase.ok * clients - pairs.n;
  const achieved = phase.ok / phase.elapsed;
  const met = phase.errors === 0 && undelivered === 0 && pairs.p99 <= TARGET_MS && achieved >= phase.rate * 0.95;
  const http = stats(phase.httpLatencies);
  return { phase, achieved, pairs, worst: stats(phase.worstLatencies), http: { p50: http.p50, p99: http.p99 }, undelivered, met };
}

function percentile(sorted: Float64Array, p: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

const f = (n: number, d = 1) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–';

function printTable(summaries: Summary[]) {
  console.log(
    '\n| phase | offered/s | achieved/s | s | commands | errors | undelivered pairs | pair p50 ms | pair p99 ms | pair max ms | worst-client p50 ms | worst-client p99 ms | worst-client max ms | HTTP p50 ms | HTTP p99 ms | max send delay ms | order_summaries max lag (events / ms) | all projections max lag (events / ms) | bench CPU % of 1 core | bench event-loop delay p99 / max ms | target |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of summaries) {
    const p = s.phase;
    const os_ = p.lag.get(WATCHED) ?? { events: NaN, ms: NaN };
    const all = [...p.lag.values()].reduce((a, b) => ({ events: Math.max(a.events, b.events), ms: Math.max(a.ms, b.ms) }), { events: 0, ms: 0 });
    console.log(
      `| ${p.label} | ${p.rate} | ${f(s.achieved)} | ${f(p.elapsed)} | ${p.ok} | ${p.errors} | ${s.undelivered} | ${f(s.pairs.p50)} | ${f(s.pairs.p99)} | ${f(s.pairs.max)} | ${f(s.worst.p50)} | ${f(s.worst.p99)} | ${f(s.worst.max)} | ${f(s.http.p50)} | ${f(s.http.p99)} | ${f(p.maxSendDelay)} | ${os_.events} / ${f(os_.ms, 0)} | ${all.events} / ${f(all.ms, 0)} | ${f((p.cpuMicros / 1e4) / p.elapsed, 0)} | ${f(p.loopDelay.p99)} / ${f(p.loopDelay.max)} | ${s.met ? 'MET' : 'MISS'} |`,
    );
  }
  for (const s of summaries) for (const e of s.phase.errorSamples) console.log(`- ${s.phase.label} error: ${e}`);
  if (process.env.BENCH_TIMELINE !== '0') {
    for (const s of summaries) {
      const cells = s.phase.timeline.map((t, i) => {
        const h = Float64Array.from(t.http).sort();
        const q = Float64Array.from(t.pair).sort();
        return `${i}s: due ${t.due}, HTTP p50 ${f(percentile(h, 0.5), 0)}, push p99 ${f(percentile(q, 0.99), 0)}`;
      });
      console.error(`timeline ${s.phase.label} (by due second):\n  ${cells.join('\n  ')}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Database and worker lifecycle
// ---------------------------------------------------------------------------


type RunningWorker = { kind: string; stop: () => Promise<void> };

async function startWorker(url: string): Promise<RunningWorker> {
  if (INPROC_WORKER) {
    const worker: ProjectionWorker = startProjectionWorker({
      connectionString: url,
      projections: PROJECTIONS,
      log: (line) => process.env.BENCH_VERBOSE && console.error(`[projector] ${line}`),
    });
    return { kind: 'in-process (startProjectionWorker, same settings as server.ts)', stop: () => worker.stop() };
  }
  const entry = 'workers/projector.ts';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let processing = 0;
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        if (process.env.BENCH_VERBOSE) console.error(line);
        if (line.includes(': processing (worker') && ++processing === PROJECTIONS.length) resolve();
        if (line.includes('batch failed')) console.error(line);
      }
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', (c: Buffer) => console.error(`[projector stderr] ${c.toString().trimEnd()}`));
    child.once('exit', (code) => reject(new Error(`projection worker exited early (${code})`)));
    setTimeout(() => reject(new Error('projection worker did not start in 60 s')), 60_000);
  });
  return {
    kind: `child process (node --import tsx ${entry}, pid ${child.pid})`,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}

// ---------------------------------------------------------------------------

async function main() {
  process.once('SIGINT', () => {
    console.error('\nStopping the current phase; everything is still cleaned up.');
    stopRequested = true;
  });
  const database = `ledgerline_live_${Date.now()}`;
  const dbServer = await startBenchServer();
  let created = false;
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    await withAdmin(dbServer.adminUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`));
    created = true;
    const url = databaseUrl(dbServer.adminUrl, database);
    console.error(`Preparing ${database} (migrations, seed)…`);
    await prepareDatabase(url);
    // The route handler finds the database through the environment (lib/server/services.ts).
    process.env.DATABASE_URL = url;
    const { POST } = await import('@/app/api/orders/route');
    const { getServices } = await import('@/lib/server/services');
    cleanups.push(() => getServices().pool.end());

    const worker = await startWorker(url);
    cleanups.unshift(() => worker.stop());

    // The app's HTTP server, minus Next.js: POST /api/orders goes to the real handler.
    let port = 0;
    const server = createServer((req, res) => void route(req, res));
    async function route(req: IncomingMessage, res: ServerResponse) {
      try {
        if (req.method !== 'POST' || req.url !== '/api/orders') {
          res.writeHead(404).end();
          return;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        const response = await POST(
          new Request(`http://127.0.0.1:${port}/api/orders`, { method: 'POST', headers, body: Buffer.concat(chunks) }),
        );
        const body = Buffer.from(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(body);
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    }
    // Longer than any pause between requests: a keep-alive socket closed by the server mid-reuse is an ECONNRESET.
    server.keepAliveTimeout = 65_000;
    const live = attachLive(server, { connectionString: url, log: (l) => process.env.BENCH_VERBOSE && console.error(`[live] ${l}`) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    cleanups.unshift(async () => {
      await live.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    const watchers = await Promise.all(Array.from({ length: CLIENTS }, () => connectWatcher(`http://127.0.0.1:${port}`)));
    cleanups.unshift(async () => watchers.forEach((w) => w.socket.disconnect()));
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    cleanups.unshift(async () => agent.destroy());
    const statusPool = new pg.Pool({ connectionString: url, max: 2 });
    cleanups.push(() => statusPool.end());
    const ctx = { agent, port, watchers, statusPool };
    const { rows } = await statusPool.query<{ v: string; sync: string; fsync: string }>(
      `SELECT current_setting('server_version') v, current_setting('synchronous_commit') sync, current_setting('fsync') fsync`,
    );
    const machine = [
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; PostgreSQL ${rows[0]!.v} (${dbServer.kind}; synchronous_commit=${rows[0]!.sync}, fsync=${rows[0]!.fsync})`,
      `projection worker: ${worker.kind}; ${CLIENTS} socket.io-client clients (websocket) in rooms ${ROOMS.join(', ')}; app pool max ${process.env.LEDGERLINE_POOL_SIZE ?? 20}`,
      `latency = 201 response received → client receives an ${WATCHED} 'projection' message whose checkpoint ≥ the command's position; target p99 ≤ ${TARGET_MS} ms`,
    ];
    const loadBefore = os.loadavg()[0]!;

    if (WARMUP_SECONDS > 0) {
      console.error(`Warm-up: ${Math.min(RATE, 100)}/s for ${WARMUP_SECONDS} s…`);
      await runLoad(newPhase('warm-up', Math.min(RATE, 100), WARMUP_SECONDS), ctx);
    }

    const summaries: Summary[] = [];
    if (RAMP) {
      for (let rate = RAMP_STEP; rate <= RAMP_MAX && !stopRequested; rate += RAMP_STEP) {
        console.error(`Ramp step: ${rate}/s for ${STEP_SECONDS} s…`);
        const phase = newPhase(`ramp ${rate}/s`, rate, STEP_SECONDS);
        await runLoad(phase, ctx);
        const s = summarise(phase, watchers.length);
        console.error(`  p99 ${f(s.pairs.p99)} ms, achieved ${f(s.achieved)}/s, errors ${phase.errors}: ${s.met ? 'MET' : 'MISS'}`);
        summaries.push(s);
        if (!s.met) break;
      }
    } else {
      console.error(`Measuring: ${RATE}/s for ${SECONDS} s…`);
      const phase = newPhase(`steady ${RATE}/s`, RATE, SECONDS);
      await runLoad(phase, ctx);
      summaries.push(summarise(phase, watchers.length));
    }
    machine.push(`load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)}`);

    console.log(`\n## Live push benchmark (${RAMP ? `ramp, ${STEP_SECONDS} s per step` : `${RATE}/s for ${SECONDS} s`})\n`);
    for (const line of machine) console.log(`- ${line}`);
    printTable(summaries);
    if (RAMP) {
      const best = summaries.filter((s) => s.met).at(-1);
      console.log(`\nHighest rate that met the target (p99 ≤ ${TARGET_MS} ms, no errors): ${best ? `${best.phase.rate}/s` : 'none'}`);
    }
    const at = summaries.find((s) => s.phase.rate === 200);
    if (at) console.log(`\nTarget (p99 ≤ ${TARGET_MS} ms at 200 commands/s): ${at.met ? 'MET' : 'MISS'} (p99 ${f(at.pairs.p99)} ms)`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((e: unknown) => console.error('cleanup:', e));
    if (created) {
      await withAdmin(dbServer.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`)).catch(
        (error: unknown) => console.error(`Could not drop ${database}:`, error),
      );
    }
    await dbServer.stop();
  }
}

function positive(name: string, fallback: number) {
  const value = nonNegative(name, fallback);
  if (value <= 0) throw new Error(`${name} must be positive`);
  return value;
}

function nonNegative(name: string, fallback: number) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
