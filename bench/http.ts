/**
 * Throughput of the server users run: `npm start`'s server (built, server.ts,
 * worker included) under closed-loop load from this process, on the same
 * machine, request by request: place-order, the JSON reads, health and
 * pages signed in. The same API requests then go to the bare route handlers
 * behind a minimal node:http router (bench/app-server.ts, plus a projection
 * worker apart) in the same run, so the ratio real / bare says what the
 * server around our handlers costs.
 *
 *   npm run bench:http
 *   BENCH_SECONDS=20 BENCH_CONCURRENCY=64 npm run bench:http
 *   BENCH_ONLY=orders,dashboard npm run bench:http       (rows by name)
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg; a
 * fresh database per run, dropped at the end), BENCH_SECONDS (10 per row),
 * BENCH_WARMUP_SECONDS (3 per row, not counted), BENCH_CONCURRENCY (32
 * keep-alive connections), BENCH_SEED_ORDERS (2,000 orders placed before the
 * first row), BENCH_BARE=0 (no bare rows), BENCH_SERVER=product|apart
 * (`npm start`, or `start:web` + `start:worker`), BENCH_CPU_PROF=<dir> (V8
 * CPU profiles of the servers), BENCH_ONLY.
 */
import { Agent } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { intFromEnv } from '../lib/config/env';
import { spawnBareServer } from './app-server';
import { rssMb, startProductServer, startWorkerProcess } from './product-server';
import {
  benchDemoPassword,
  machineBusyMs,
  processCpuMs,
  placeOrderBody,
  processTreeCpuMs,
  requestHeaders,
  sendRequest,
  signIn,
  withBenchDatabase,
} from './support';

const SECONDS = intFromEnv('BENCH_SECONDS', 10, { min: 1 });
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 3);
const CONCURRENCY = intFromEnv('BENCH_CONCURRENCY', 32, { min: 1 });
const SEED_ORDERS = intFromEnv('BENCH_SEED_ORDERS', 2_000);
const BARE = process.env.BENCH_BARE !== '0';
const APART = process.env.BENCH_SERVER === 'apart';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : null;
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());

type Row = {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** How the request proves who it is: the bearer token, the browser's session cookie (pages), or nothing. */
  auth: 'bearer' | 'cookie' | 'none';
  status: number;
  body?: () => string;
  /** The bare handlers serve it too (the API only: pages need Next.js). */
  api: boolean;
  /** The issue's target (requests/s), and HTTP p99 (ms) where one is set. */
  target?: { rate: number; p99?: number };
};

const ALL_ROWS: Row[] = [
  {
    name: 'place-order',
    method: 'POST',
    path: '/api/orders',
    auth: 'bearer',
    status: 201,
    body: placeOrderBody,
    api: true,
    target: { rate: 1_000, p99: 100 },
  },
  {
    name: 'orders-api',
    method: 'GET',
    path: '/api/orders',
    auth: 'bearer',
    status: 200,
    api: true,
    target: { rate: 2_000 },
  },
  {
    name: 'customers-api',
    method: 'GET',
    path: '/api/stats/customers?sort=spent',
    auth: 'bearer',
    status: 200,
    api: true,
    target: { rate: 2_000 },
  },
  { name: 'health', method: 'GET', path: '/api/health', auth: 'none', status: 200, api: true },
  { name: 'sign-in', method: 'GET', path: '/sign-in', auth: 'none', status: 200, api: false },
  { name: 'orders', method: 'GET', path: '/orders', auth: 'cookie', status: 200, api: false, target: { rate: 250 } },
  {
    name: 'dashboard',
    method: 'GET',
    path: '/dashboard',
    auth: 'cookie',
    status: 200,
    api: false,
    target: { rate: 250 },
  },
];
const ROWS = ALL_ROWS.filter((row) => !ONLY || ONLY.includes(row.name));

type Target = {
  label: string;
  port: number;
  token: string;
  /** CPU ms of the server's processes, and of PostgreSQL. */
  serverCpuMs: () => number;
  rssMb: () => number;
};

type Result = {
  row: Row;
  server: string;
  requests: number;
  errors: number;
  errorSample?: string;
  seconds: number;
  p50: number;
  p99: number;
  /** % of one core. */
  serverCpu: number;
  postgresCpu: number;
  loadCpu: number;
  machineCpu: number;
  serverCpuPerRequest: number;
  rssMb: number;
};

const send = (agent: Agent, port: number, row: Row, headers: Record<string, string>) =>
  sendRequest(agent, port, { method: row.method, path: row.path, headers, body: row.body?.() });

function headersFor(row: Row, token: string): Record<string, string> {
  const credentials = row.auth === 'bearer' ? { token } : null;
  const extra: Record<string, string> = row.body ? { 'content-type': 'application/json' } : {};
  // A browser's page request: the session cookie (the same token), no Authorization header.
  if (row.auth === 'cookie') extra.cookie = `ll_session=${token}`;
  return requestHeaders(credentials, extra);
}

/** CONCURRENCY loops, each sending its next request when the last one is answered, for `seconds`. */
async function closedLoop(target: Target, row: Row, seconds: number, postgresPid: number | null) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const headers = headersFor(row, target.token);
  const latencies: number[] = [];
  let errors = 0;
  let errorSample: string | undefined;
  const before = {
    at: performance.now(),
    server: target.serverCpuMs(),
    postgres: postgresPid ? processTreeCpuMs(postgresPid) : Number.NaN,
    load: processCpuMs(process.pid),
    machine: machineBusyMs(),
  };
  const until = before.at + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          const { status, text } = await send(agent, target.port, row, headers);
          if (status === row.status) latencies.push(performance.now() - t0);
          else {
            errors++;
            errorSample ??= `HTTP ${status}: ${text.slice(0, 160)}`;
          }
        } catch (error) {
          errors++;
          errorSample ??= (error as Error).message;
        }
      }
    }),
  );
  const after = {
    at: performance.now(),
    server: target.serverCpuMs(),
    postgres: postgresPid ? processTreeCpuMs(postgresPid) : Number.NaN,
    load: processCpuMs(process.pid),
    machine: machineBusyMs(),
  };
  agent.destroy();
  const wall = after.at - before.at;
  const share = (key: 'server' | 'postgres' | 'load' | 'machine') => ((after[key] - before[key]) / wall) * 100;
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : NaN;
  const result: Result = {
    row,
    server: target.label,
    requests: latencies.length,
    errors,
    errorSample,
    seconds: wall / 1000,
    p50: at(0.5),
    p99: at(0.99),
    serverCpu: share('server'),
    postgresCpu: share('postgres'),
    loadCpu: share('load'),
    machineCpu: share('machine'),
    serverCpuPerRequest: latencies.length ? (after.server - before.server) / latencies.length : NaN,
    rssMb: target.rssMb(),
  };
  return result;
}

async function runRows(target: Target, rows: Row[], postgresPid: number | null): Promise<Result[]> {
  const results: Result[] = [];
  for (const row of rows) {
    console.error(`${target.label}: ${row.name} (${row.method} ${row.path})…`);
    if (WARMUP_SECONDS > 0) await closedLoop(target, row, WARMUP_SECONDS, postgresPid);
    const result = await closedLoop(target, row, SECONDS, postgresPid);
    console.error(
      `  ${f(result.requests / result.seconds, 0)}/s, p50 ${f(result.p50)} ms, p99 ${f(result.p99)} ms, errors ${result.errors}`,
    );
    results.push(result);
  }
  return results;
}

const f = (n: number, d = 1) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–';

function verdict(result: Result): string {
  const t = result.row.target;
  if (!t) return '';
  const rate = result.requests / result.seconds;
  const ok = result.errors === 0 && rate >= t.rate && (t.p99 === undefined || result.p99 <= t.p99);
  return `${ok ? 'MET' : 'MISS'} (≥ ${f(t.rate, 0)}/s${t.p99 ? `, p99 ≤ ${t.p99} ms` : ''})`;
}

function printTables(real: Result[], bare: Result[], machine: string[]) {
  console.log(`\n## HTTP benchmark: ${CONCURRENCY} keep-alive connections, closed loop, ${SECONDS} s a row\n`);
  for (const line of machine) console.log(`- ${line}`);
  console.log(
    '\nCPU in % of one core (the machine has ' +
      `${os.cpus().length * 100} %); server CPU per request counts the server's processes only (not PostgreSQL).\n`,
  );
  console.log(
    '| request | server | requests/s | p50 ms | p99 ms | errors | server CPU | PostgreSQL CPU | load generator CPU | machine busy | server CPU ms / request | server RSS MB | real / bare | target |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of [...real, ...bare].sort((a, b) => ROWS.indexOf(a.row) - ROWS.indexOf(b.row))) {
    const rate = r.requests / r.seconds;
    const peer = bare.find((b) => b.row === r.row);
    const ratio = real.includes(r) && peer ? `${f((rate / (peer.requests / peer.seconds)) * 100, 0)} %` : '';
    console.log(
      `| ${r.row.method} ${r.row.path} | ${r.server} | ${f(rate, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${f(r.serverCpu, 0)} | ${f(r.postgresCpu, 0)} | ${f(r.loadCpu, 0)} | ${f(r.machineCpu, 0)} | ${f(r.serverCpuPerRequest, 2)} | ${f(r.rssMb, 0)} | ${ratio} | ${real.includes(r) ? verdict(r) : ''} |`,
    );
  }
  for (const r of [...real, ...bare])
    if (r.errorSample) console.log(`- ${r.server} ${r.row.name}: ${r.errors} errors, e.g. ${r.errorSample}`);
}

async function main() {
  await withBenchDatabase('ledgerline_http', async ({ url, server: dbServer }) => {
    const password = benchDemoPassword();
    const postgresPid = dbServer.postmasterPid;
    const machine = [
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; PostgreSQL ${dbServer.kind}; load average before ${os.loadavg()[0]!.toFixed(2)}`,
      `credentials: the bearer token of 'clerk' from POST /api/auth/token; pages send it as the session cookie`,
    ];

    const real = await startProductServer(url, {
      worker: APART ? 'apart' : 'with-worker',
      cpuProfDir: CPU_PROF_DIR,
      log: process.env.BENCH_VERBOSE ? (line) => console.error(`[server] ${line}`) : undefined,
    });
    let realResults: Result[];
    try {
      machine.push(`real server: ${real.kind}`);
      const token = (await signIn(`http://127.0.0.1:${real.port}`, { username: 'clerk', password }))!.token;
      const target: Target = { label: 'real', port: real.port, token, serverCpuMs: real.cpuMs, rssMb: real.rssMb };
      if (SEED_ORDERS > 0) {
        console.error(`Placing ${SEED_ORDERS} orders first, so that the reads have rows…`);
        const agent = new Agent({ keepAlive: true, maxSockets: 8 });
        const place = ALL_ROWS[0]!;
        const headers = headersFor(place, token);
        for (let i = 0; i < SEED_ORDERS; i += 8)
          await Promise.all(Array.from({ length: 8 }, () => send(agent, real.port, place, headers)));
        agent.destroy();
      }
      realResults = await runRows(target, ROWS, postgresPid);
    } finally {
      await real.stop();
    }

    let bareResults: Result[] = [];
    const apiRows = ROWS.filter((r) => r.api);
    if (BARE && apiRows.length) {
      // The same projection work as the real server's worker does, in a process of its own.
      const env = { ...process.env, DATABASE_URL: url };
      const worker = await startWorkerProcess(env);
      const bare = await spawnBareServer(url, CPU_PROF_DIR);
      try {
        machine.push(`bare: ${bare.kind}, with workers/projector.ts beside it`);
        const token = (await signIn(`http://127.0.0.1:${bare.port}`, { username: 'clerk', password }))!.token;
        const workerPid = worker.child.pid!;
        bareResults = await runRows(
          {
            label: 'bare',
            port: bare.port,
            token,
            serverCpuMs: () => processCpuMs(bare.pid) + processCpuMs(workerPid),
            rssMb: () => rssMb(bare.pid) + rssMb(workerPid),
          },
          apiRows,
          postgresPid,
        );
      } finally {
        await bare.stop();
        await worker.stop();
      }
    }
    printTables(realResults, bareResults, machine);
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
