/**
 * Live push latency: place-order commands over the HTTP API at a fixed rate
 * while Socket.IO clients watch the dashboard.
 *
 *   npm run bench:live                         (200 commands/s for 60 s)
 *   BENCH_SECONDS=30 npm run bench:live
 *   BENCH_RAMP=1 npm run bench:live            (100, 200, 300 … /s, 10 s each, then
 *                                               finer steps above the last rate sustained)
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg; a fresh
 * database per run, dropped at the end), BENCH_RATE (200), BENCH_SECONDS (60),
 * BENCH_WARMUP_SECONDS (2), BENCH_CLIENTS (50), BENCH_RAMP (off),
 * BENCH_STEP_SECONDS (10, ramp), BENCH_RAMP_STEP (100, ramp), BENCH_RAMP_MAX (2000),
 * BENCH_RAMP_REFINE (4: after the first failing step, retry between the last
 * good rate and it in this many finer steps; 1 turns it off), BENCH_TARGET_MS
 * (100, push p99), BENCH_HTTP_TARGET_MS (1000, HTTP p99 for a rate to count as
 * sustained), BENCH_SERVER=product|apart|bare (product),
 * BENCH_USERNAME / BENCH_PASSWORD (clerk / a password set for the run's own
 * database), BENCH_CPU_PROF=<dir> (child processes write V8 CPU profiles there),
 * BENCH_TIMELINE=0 (no per-second timeline on stderr).
 *
 * The server is the one users run (bench/product-server.ts):
 * - product (default): `npm start` (built; server.ts with its web processes
 *   and the projection worker), on this run's database;
 * - apart: `npm run start:web` and `npm run start:worker`;
 * - bare: the route handlers behind the minimal router (bench/app-server.ts)
 *   with `start:worker` beside it, for comparison;
 * and this process: the open-loop load generator and the Socket.IO clients.
 * All of them share the machine's cores with PostgreSQL, so the report says
 * where the CPU went (Linux /proc: each of our processes, PostgreSQL's
 * postmaster and its children when it runs on this machine, and the whole
 * machine), including to processes that are not the benchmark's ("others": a
 * busy machine makes every figure worse), and how much of the time tasks
 * waited for a CPU or for IO (pressure stall information). "CPU ms per
 * command" adds up our processes and PostgreSQL: the figure to compare
 * between versions of the code, as it moves least with the machine's load.
 *
 * Latency of a command = from the moment its 201 response (with `position`)
 * arrives until a client has received a `projection` message for
 * order_summaries whose checkpoint is at or past that position; measured for
 * every (command, client) pair, in this process, on one clock.
 */
import {
  machineBusyMs,
  pressureStallMs,
  processCpuMs,
  processTreeCpuMs,
  requestHeaders,
  signIn,
  withBenchDatabase,
  type BenchCredentials,
  benchDemoPassword,
  placeOrderBody,
  sendRequest,
} from './support';
import { intFromEnv } from '../lib/config/env';
import { Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io as connectClient, type Socket } from 'socket.io-client';
import { parsePosition, type Position } from '../lib/event-store/position';
import { listProjectionStatus } from '../lib/projections/status';
import { spawnBareServer, type ServerStats } from './app-server';
import { startProductServer, startWorkerProcess } from './product-server';

const RATE = intFromEnv('BENCH_RATE', 200, { min: 1 });
const SECONDS = intFromEnv('BENCH_SECONDS', 60, { min: 1 });
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 2);
const CLIENTS = intFromEnv('BENCH_CLIENTS', 50, { min: 1 });
const RAMP = process.env.BENCH_RAMP === '1' || process.env.BENCH_RAMP === 'true';
const STEP_SECONDS = intFromEnv('BENCH_STEP_SECONDS', 10, { min: 1 });
const RAMP_STEP = intFromEnv('BENCH_RAMP_STEP', 100, { min: 1 });
const RAMP_MAX = intFromEnv('BENCH_RAMP_MAX', 2000, { min: 1 });
const RAMP_REFINE = intFromEnv('BENCH_RAMP_REFINE', 4, { min: 1 });
const TARGET_MS = intFromEnv('BENCH_TARGET_MS', 100, { min: 1 });
const HTTP_TARGET_MS = intFromEnv('BENCH_HTTP_TARGET_MS', 1000, { min: 1 });
const SERVER = process.env.BENCH_SERVER ?? 'product';
if (!['product', 'apart', 'bare'].includes(SERVER)) throw new Error('BENCH_SERVER must be product, apart or bare.');
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : null;
const USERNAME = process.env.BENCH_USERNAME ?? 'clerk';
const DRAIN_MS = 10_000;
const ROOMS = ['dashboard', 'customers', 'orders', 'projections'];
const WATCHED = 'order_summaries';

let stopRequested = false;

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

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

async function connectWatcher(url: string, credentials: BenchCredentials): Promise<Watcher> {
  const socket = connectClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    // The same credentials as the HTTP commands, for a server that checks the handshake.
    extraHeaders: requestHeaders(credentials),
    ...(credentials ? { auth: { token: credentials.token } } : {}),
  });
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

/** CPU time (ms) per process group at one instant; see Processes. */
type CpuSample = {
  at: number;
  bench: number;
  server: number;
  worker: number;
  postgres: number;
  machine: number;
  cpuStall: number;
  ioStall: number;
};

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
  /** % of one core per process group over the phase (NaN: unknown); stalls: % of the time some task waited for CPU / IO. */
  cpu: {
    bench: number;
    server: number;
    worker: number;
    postgres: number;
    others: number;
    machine: number;
    cpuStall: number;
    ioStall: number;
  };
  /** Event-loop delay (ms) p99 / max: this process (load + clients) and the app server. */
  loopDelay: { p99: number; max: number };
  serverLoopDelay: { p99: number; max: number };
  /** Per-second: commands due, HTTP latencies of those due in it, push latencies. */
  timeline: Array<{ due: number; http: number[]; pair: number[] }>;
};

function newPhase(label: string, rate: number, seconds: number): Phase {
  const unknown = {
    bench: NaN,
    server: NaN,
    worker: NaN,
    postgres: NaN,
    others: NaN,
    machine: NaN,
    cpuStall: NaN,
    ioStall: NaN,
  };
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
    cpu: unknown,
    loopDelay: { p99: NaN, max: NaN },
    serverLoopDelay: { p99: NaN, max: NaN },
    timeline: [],
  };
}

type LoadContext = {
  agent: Agent;
  port: number;
  headers: Record<string, string>;
  watchers: Watcher[];
  statusPool: pg.Pool;
  processes: Processes;
};

/**
 * Open loop: command i is due at start + i/rate whatever happened to earlier
 * ones. HTTP latency counts from the due time (no coordinated omission).
 */
async function runLoad(phase: Phase, ctx: LoadContext): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const total = Math.round(phase.rate * phase.seconds);
  await ctx.processes.serverStats(); // resets the server's event-loop histogram
  const cpuBefore = ctx.processes.sample();
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
    const p = sendRequest(ctx.agent, ctx.port, {
      method: 'POST',
      path: '/api/orders',
      headers: ctx.headers,
      body: placeOrderBody(),
    })
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
        const command: Command = {
          position: parsePosition(position),
          t0,
          worst: 0,
          remaining: ctx.watchers.length,
          phase,
          second,
        };
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
  // CPU over the sending period (and the in-flight tail), not the drain below.
  const cpuAfter = ctx.processes.sample();
  const serverStats = await ctx.processes.serverStats();
  // Wait for every client to see every command confirmed (bounded).
  const drainUntil = performance.now() + DRAIN_MS;
  while (ctx.watchers.some((w) => w.pending.some((c) => c.phase === phase)) && performance.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(sampler);
  await sampleLag(ctx.statusPool, phase);
  eld.disable();
  phase.loopDelay = { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };
  if (serverStats) phase.serverLoopDelay = { p99: serverStats.loopDelayP99, max: serverStats.loopDelayMax };
  phase.cpu = cpuShares(cpuBefore, cpuAfter);
  // Whatever was never confirmed is dropped from the pending lists (and reported as undelivered).
  for (const w of ctx.watchers) w.pending = w.pending.filter((c) => c.phase !== phase);
}

function cpuShares(a: CpuSample, b: CpuSample): Phase['cpu'] {
  const wall = b.at - a.at;
  const pct = (key: Exclude<keyof CpuSample, 'at'>) => ((b[key] - a[key]) / wall) * 100;
  const shares = {
    bench: pct('bench'),
    server: pct('server'),
    worker: pct('worker'),
    postgres: pct('postgres'),
    machine: pct('machine'),
    cpuStall: pct('cpuStall'),
    ioStall: pct('ioStall'),
  };
  const ours = [shares.bench, shares.server, shares.worker, shares.postgres]
    .filter(Number.isFinite)
    .reduce((x, y) => x + y, 0);
  return { ...shares, others: Math.max(0, shares.machine - ours) };
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
  /** Kept up: no errors, every push delivered, ≥ 95 % of the offered rate, HTTP p99 within BENCH_HTTP_TARGET_MS. */
  sustained: boolean;
  /** Sustained, and push p99 within BENCH_TARGET_MS. */
  met: boolean;
};

function summarise(phase: Phase, clients: number): Summary {
  const stats = (values: number[]) => {
    const sorted = Float64Array.from(values).sort();
    return {
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1] ?? NaN,
      n: sorted.length,
    };
  };
  const pairs = stats(phase.pairLatencies);
  const undelivered = phase.ok * clients - pairs.n;
  const achieved = phase.ok / phase.elapsed;
  const http = stats(phase.httpLatencies);
  const sustained =
    phase.errors === 0 && undelivered === 0 && achieved >= phase.rate * 0.95 && http.p99 <= HTTP_TARGET_MS;
  const met = sustained && pairs.p99 <= TARGET_MS;
  return {
    phase,
    achieved,
    pairs,
    worst: stats(phase.worstLatencies),
    http: { p50: http.p50, p99: http.p99 },
    undelivered,
    sustained,
    met,
  };
}

function percentile(sorted: Float64Array, p: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

const f = (n: number, d = 1) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–';

function printTables(summaries: Summary[]) {
  console.log(
    '\nLatency (ms). pair: every (command, client); worst-client: per command, the slowest of the clients.\n',
  );
  console.log(
    '| phase | offered/s | achieved/s | s | commands | errors | undelivered pairs | pair p50 | pair p99 | pair max | worst-client p50 | worst-client p99 | worst-client max | HTTP p50 | HTTP p99 | order_summaries max lag (events / ms) | all projections max lag (events / ms) | sustained | target |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
  for (const s of summaries) {
    const p = s.phase;
    const os_ = p.lag.get(WATCHED) ?? { events: NaN, ms: NaN };
    const all = [...p.lag.values()].reduce(
      (a, b) => ({ events: Math.max(a.events, b.events), ms: Math.max(a.ms, b.ms) }),
      { events: 0, ms: 0 },
    );
    console.log(
      `| ${p.label} | ${p.rate} | ${f(s.achieved)} | ${f(p.elapsed)} | ${p.ok} | ${p.errors} | ${s.undelivered} | ${f(s.pairs.p50)} | ${f(s.pairs.p99)} | ${f(s.pairs.max)} | ${f(s.worst.p50)} | ${f(s.worst.p99)} | ${f(s.worst.max)} | ${f(s.http.p50)} | ${f(s.http.p99)} | ${os_.events} / ${f(os_.ms, 0)} | ${all.events} / ${f(all.ms, 0)} | ${s.sustained ? 'yes' : 'NO'} | ${s.met ? 'MET' : 'MISS'} |`,
    );
  }
  console.log(
    '\nWhere the CPU went while commands were sent (% of one core; the machine has ' +
      `${os.cpus().length * 100} %). "others" is everything on the machine that is not this benchmark; ` +
      'pressure: share of the time some task waited for a CPU / for IO (Linux PSI).\n',
  );
  console.log(
    '| phase | load generator + clients | app server | projection worker | PostgreSQL | others | machine busy | CPU ms per command (ours) | CPU / IO pressure (% of time) | load-gen loop delay p99 / max ms | app-server loop delay p99 / max ms | max send delay ms |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of summaries) {
    const p = s.phase;
    const c = p.cpu;
    const ours = [c.bench, c.server, c.worker, c.postgres].filter(Number.isFinite).reduce((x, y) => x + y, 0);
    const perCommand = s.achieved > 0 ? (ours * 10) / s.achieved : NaN;
    console.log(
      `| ${p.label} | ${f(c.bench, 0)} | ${f(c.server, 0)} | ${f(c.worker, 0)} | ${f(c.postgres, 0)} | ${f(c.others, 0)} | ${f(c.machine, 0)} | ${f(perCommand, 2)} | ${f(c.cpuStall, 0)} / ${f(c.ioStall, 0)} | ${f(p.loopDelay.p99)} / ${f(p.loopDelay.max)} | ${f(p.serverLoopDelay.p99)} / ${f(p.serverLoopDelay.max)} | ${f(p.maxSendDelay)} |`,
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
// Processes: app server, projection worker, CPU accounting
// ---------------------------------------------------------------------------

type Processes = {
  sample: () => CpuSample;
  /** The app server's event-loop delay since the last call; null when unknown. */
  serverStats: () => Promise<ServerStats | null>;
};

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

const profileFlags = () => (CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []);

/** The server under test, and its projection worker: CPU (ms) of each, NaN where one runs inside the other. */
type RunningServer = {
  kind: string;
  port: number;
  serverCpuMs: () => number;
  workerCpuMs: () => number;
  /** Event-loop delay since the last call, where the server reports it (the bare handlers). */
  stats: () => Promise<ServerStats | null>;
  stop: () => Promise<void>;
};

/**
 * BENCH_SERVER=product (default): `npm start`'s server, its worker inside;
 * apart: `start:web` + `start:worker`; bare: the route handlers behind the
 * minimal router (bench/app-server.ts) beside `start:worker`.
 */
async function startServer(url: string): Promise<RunningServer> {
  const log = process.env.BENCH_VERBOSE ? (line: string) => console.error(`[server] ${line}`) : undefined;
  if (SERVER === 'bare') {
    const worker = await startWorkerProcess({ ...process.env, DATABASE_URL: url }, profileFlags(), log);
    const bare = await spawnBareServer(url, CPU_PROF_DIR).catch(async (error: unknown) => {
      await worker.stop();
      throw error;
    });
    return {
      kind: `${bare.kind}; projection worker: workers/projector.ts (pid ${worker.child.pid})`,
      port: bare.port,
      serverCpuMs: () => processCpuMs(bare.pid),
      workerCpuMs: () => processCpuMs(worker.child.pid!),
      stats: bare.stats,
      stop: async () => {
        await bare.stop();
        await worker.stop();
      },
    };
  }
  const product = await startProductServer(url, {
    worker: SERVER === 'apart' ? 'apart' : 'with-worker',
    cpuProfDir: CPU_PROF_DIR,
    log,
  });
  return {
    kind: product.kind,
    port: product.port,
    // Apart, the worker's CPU is in the server's figure too (product.cpuMs adds every process).
    serverCpuMs: product.cpuMs,
    workerCpuMs: () => Number.NaN,
    stats: async () => null,
    stop: product.stop,
  };
}

// ---------------------------------------------------------------------------

async function main() {
  process.once('SIGINT', () => {
    console.error('\nStopping the current phase; everything is still cleaned up.');
    stopRequested = true;
  });
  await withBenchDatabase('ledgerline_live', async ({ url, server: dbServer }) => {
    const cleanups: Array<() => Promise<unknown>> = [];
    try {
      process.env.DATABASE_URL = url;

      const server = await startServer(url);
      cleanups.unshift(() => server.stop());
      const baseUrl = `http://127.0.0.1:${server.port}`;

      const credentials = await signIn(baseUrl, {
        username: USERNAME,
        password: process.env.BENCH_PASSWORD ?? benchDemoPassword(),
      });
      const headers = requestHeaders(credentials, { 'content-type': 'application/json' });

      const watchers = await Promise.all(Array.from({ length: CLIENTS }, () => connectWatcher(baseUrl, credentials)));
      cleanups.unshift(async () => watchers.forEach((w) => w.socket.disconnect()));
      const agent = new Agent({ keepAlive: true, maxSockets: 256 });
      cleanups.unshift(async () => agent.destroy());
      const statusPool = new pg.Pool({ connectionString: url, max: 2 });
      cleanups.push(() => statusPool.end());
      const processes: Processes = {
        sample: () => ({
          at: performance.now(),
          bench: cpuMs(process.cpuUsage()),
          server: server.serverCpuMs(),
          worker: server.workerCpuMs(),
          postgres: dbServer.postmasterPid === null ? NaN : processTreeCpuMs(dbServer.postmasterPid),
          machine: machineBusyMs(),
          cpuStall: pressureStallMs('cpu'),
          ioStall: pressureStallMs('io'),
        }),
        serverStats: server.stats,
      };
      const ctx: LoadContext = { agent, port: server.port, headers, watchers, statusPool, processes };
      const { rows } = await statusPool.query<{ v: string; sync: string; fsync: string }>(
        `SELECT current_setting('server_version') v, current_setting('synchronous_commit') sync, current_setting('fsync') fsync`,
      );
      const machine = [
        `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; PostgreSQL ${rows[0]!.v} (${dbServer.kind}; synchronous_commit=${rows[0]!.sync}, fsync=${rows[0]!.fsync})`,
        `app server: ${server.kind}; app pool max ${process.env.LEDGERLINE_POOL_SIZE ?? 20}; ${credentials ? `bearer token of '${USERNAME}' from POST /api/auth/token` : 'no credentials (the server has no /api/auth/token)'}`,
        `${CLIENTS} socket.io-client clients (websocket) in rooms ${ROOMS.join(', ')}, in the load generator's process`,
        `latency = 201 response received → client receives an ${WATCHED} 'projection' message whose checkpoint ≥ the command's position; target p99 ≤ ${TARGET_MS} ms; sustained = no errors, all delivered, achieved ≥ 95 % of offered, HTTP p99 ≤ ${HTTP_TARGET_MS} ms`,
      ];
      const loadBefore = os.loadavg();

      if (WARMUP_SECONDS > 0) {
        console.error(`Warm-up: ${Math.min(RATE, 100)}/s for ${WARMUP_SECONDS} s…`);
        await runLoad(newPhase('warm-up', Math.min(RATE, 100), WARMUP_SECONDS), ctx);
      }

      const summaries: Summary[] = [];
      const measure = async (rate: number, seconds: number, label: string) => {
        console.error(`${label}: ${rate}/s for ${seconds} s…`);
        const phase = newPhase(`${label} ${rate}/s`, rate, seconds);
        await runLoad(phase, ctx);
        const s = summarise(phase, watchers.length);
        console.error(
          `  push p99 ${f(s.pairs.p99)} ms, HTTP p99 ${f(s.http.p99)} ms, achieved ${f(s.achieved)}/s, errors ${phase.errors}: ` +
            `${s.sustained ? 'sustained' : 'NOT sustained'}, ${s.met ? 'MET' : 'MISS'}`,
        );
        summaries.push(s);
        return s;
      };
      if (RAMP) {
        // Coarse steps until the first rate not sustained (or not meeting the
        // push target), then finer steps from the last good rate towards it.
        let good = 0;
        let bad = 0;
        for (let rate = RAMP_STEP; rate <= RAMP_MAX && !stopRequested; rate += RAMP_STEP) {
          if (!(await measure(rate, STEP_SECONDS, 'ramp')).met) {
            bad = rate;
            break;
          }
          good = rate;
        }
        const fine = RAMP_STEP / RAMP_REFINE;
        for (let rate = good + fine; bad > 0 && RAMP_REFINE > 1 && rate < bad - 1e-9 && !stopRequested; rate += fine) {
          if (!(await measure(Math.round(rate), STEP_SECONDS, 'refine')).met) break;
        }
      } else {
        await measure(RATE, SECONDS, 'steady');
      }
      const loadAfter = os.loadavg();
      machine.push(
        `load average (1 / 5 / 15 min) before: ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}; after: ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}`,
      );

      console.log(
        `\n## Live push benchmark (${RAMP ? `ramp, ${STEP_SECONDS} s per step` : `${RATE}/s for ${SECONDS} s`})\n`,
      );
      for (const line of machine) console.log(`- ${line}`);
      printTables(summaries);
      if (RAMP) {
        const best = (list: Summary[]) =>
          list.reduce<Summary | undefined>((a, s) => (!a || s.phase.rate > a.phase.rate ? s : a), undefined);
        const sustained = best(summaries.filter((s) => s.sustained));
        const met = best(summaries.filter((s) => s.met));
        console.log(
          `\nHighest sustained command rate: ${sustained ? `${sustained.phase.rate}/s` : 'none'}; ` +
            `highest rate that met the target (push p99 ≤ ${TARGET_MS} ms, sustained): ${met ? `${met.phase.rate}/s` : 'none'} ` +
            `(steps of ${STEP_SECONDS} s; the ramp stops at the first step that misses)`,
        );
      }
      const at = summaries.find((s) => s.phase.rate === 200);
      if (at)
        console.log(
          `\nTarget (p99 ≤ ${TARGET_MS} ms at 200 commands/s): ${at.met ? 'MET' : 'MISS'} (p99 ${f(at.pairs.p99)} ms)`,
        );
    } finally {
      for (const cleanup of cleanups) await cleanup().catch((e: unknown) => console.error('cleanup:', e));
    }
  });
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
