import { randomBytes } from 'node:crypto';
import { request as httpRequest, type Agent } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../lib/db/embedded';
import { seedCustomers, seedProducts } from '../lib/db/seed';

// What every benchmark needs: a PostgreSQL server (DATABASE_URL's, or an
// embedded one kept apart from the app's data), throw-away databases on it,
// the headers of its HTTP requests, and CPU accounting per process.

export type BenchServer = {
  adminUrl: string;
  kind: string;
  /** The postmaster's pid when it runs on this machine and we know it (embedded), for CPU accounting. */
  postmasterPid: number | null;
  stop: () => Promise<void>;
};

/** DATABASE_URL's server when set, else an embedded one under .data/bench. */
export async function startBenchServer(): Promise<BenchServer> {
  const url = process.env.DATABASE_URL;
  if (url)
    return { adminUrl: url, kind: 'DATABASE_URL', postmasterPid: await localPostmasterPid(url), stop: async () => {} };
  const db = await startEmbeddedPostgres({
    dataDir: '.data/bench/pg',
    database: 'postgres',
    log: process.env.LEDGERLINE_DEBUG_DB ? (line) => console.error(`[postgres] ${line}`) : undefined,
  });
  return { adminUrl: db.url, kind: 'embedded', postmasterPid: postmasterPid(db.dataDir), stop: db.stop };
}

export async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * The demo accounts of a bench's throw-away database get a password of the
 * run's own (prepareDatabase seeds them with it; child processes inherit it),
 * so a bench neither prints one nor writes ./.data/demo-password, which
 * belongs to the app's own database.
 */
export function benchDemoPassword(): string {
  return (process.env.LEDGERLINE_DEMO_PASSWORD ??= randomBytes(18).toString('base64url'));
}

/**
 * One bench run's own database on the bench server: created, migrated and
 * seeded (its demo users get a password of the run's own), handed to `run`,
 * then dropped, also when `run` throws or is interrupted; `keep` leaves it
 * (its URL is printed), e.g. for EXPLAIN.
 */
export async function withBenchDatabase<T>(
  prefix: string,
  run: (db: { url: string; name: string; server: BenchServer }) => Promise<T>,
  options: { keep?: boolean; preparing?: string } = {},
): Promise<T> {
  // Imported here: benches that import lib modules using `server-only` register its no-op first.
  const { prepareDatabase } = await import('../lib/db/prepare');
  const name = `${prefix}_${Date.now()}`;
  const server = await startBenchServer();
  let created = false;
  try {
    await withAdmin(server.adminUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
    created = true;
    const url = databaseUrl(server.adminUrl, name);
    benchDemoPassword();
    console.error(`Preparing ${name} (${options.preparing ?? 'migrations, seed'})…`);
    await prepareDatabase(url);
    return await run({ url, name, server });
  } finally {
    if (created && options.keep) {
      console.error(`Kept ${databaseUrl(server.adminUrl, name)}`);
    } else if (created) {
      await withAdmin(server.adminUrl, (c) =>
        c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
      ).catch((error: unknown) => console.error(`Could not drop ${name}:`, error));
    }
    await server.stop();
  }
}

export function databaseUrl(serverUrl: string, database: string) {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

// ---------------------------------------------------------------------------
// Request headers and credentials
// ---------------------------------------------------------------------------

/** What a benchmark sends to prove who it is; null when the server asks for nothing. */
export type BenchCredentials = { token: string } | null;

/**
 * ★ The one place where the headers of every benchmark request are built:
 * HTTP commands and the Socket.IO handshake (as `extraHeaders`) both come
 * here. Credentials come from `signIn` below; to send something else
 * (another scheme, a cookie, a tenant header), change this function only.
 */
export function requestHeaders(
  credentials: BenchCredentials,
  extra: Record<string, string> = {},
): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  if (credentials) headers.authorization = `Bearer ${credentials.token}`;
  return headers;
}

/**
 * A bearer token from `POST /api/auth/token` ({ username, password } →
 * { token }). A server without that route (404) takes no credentials: null.
 */
export async function signIn(
  baseUrl: string,
  login: { username: string; password: string },
): Promise<BenchCredentials> {
  const response = await fetch(new URL('/api/auth/token', baseUrl), {
    method: 'POST',
    headers: requestHeaders(null, { 'content-type': 'application/json' }),
    body: JSON.stringify(login),
  });
  if (response.status === 404) return null;
  const text = await response.text();
  if (!response.ok)
    throw new Error(`POST /api/auth/token as ${login.username}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  const { token } = JSON.parse(text) as { token?: unknown };
  if (typeof token !== 'string') throw new Error(`POST /api/auth/token returned no token: ${text.slice(0, 300)}`);
  return { token };
}

// ---------------------------------------------------------------------------
// CPU accounting (Linux /proc; elsewhere every figure is NaN)
// ---------------------------------------------------------------------------

const CLOCK_TICKS_PER_SECOND = 100;
const HAVE_PROC = existsSync('/proc/stat');

/** CPU time (ms, user + system, all threads) of one process; NaN when it is gone or not visible. */
export function processCpuMs(pid: number): number {
  if (!HAVE_PROC) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time (ms) of `pid` and of its children, live or gone: a postmaster and
 * its backends. A child that exits (an autovacuum worker, a backend whose
 * connection closed) moves its time into the parent's cutime/cstime once
 * reaped, so the sum does not drop when it goes.
 */
export function processTreeCpuMs(pid: number): number {
  if (!HAVE_PROC) return Number.NaN;
  let ticks: number;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return Number.NaN;
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* exited meanwhile */
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** CPU time (ms) the whole machine spent busy, over all cores (everything but idle and iowait). */
export function machineBusyMs(): number {
  if (!HAVE_PROC) return Number.NaN;
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** A server on this machine: the parent of our backend is the postmaster. Null when it runs elsewhere. */
async function localPostmasterPid(url: string): Promise<number | null> {
  if (!HAVE_PROC) return null;
  // Read while the connection is open: the backend process ends with it.
  return withAdmin(url, async (c) => {
    const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    try {
      const stat = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid > 1 ? ppid : null;
    } catch {
      return null;
    }
  });
}

/**
 * Time (ms) during which some runnable task waited for `resource` (Linux
 * pressure stall information, the "some" line); NaN without PSI. Over a
 * phase, it tells whether the machine, not the code, was the bottleneck.
 */
export function pressureStallMs(resource: 'cpu' | 'io'): number {
  try {
    const some = readFileSync(`/proc/pressure/${resource}`, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('some'));
    const total = /total=(\d+)/.exec(some ?? '')?.[1];
    return total === undefined ? Number.NaN : Number(total) / 1000;
  } catch {
    return Number.NaN;
  }
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

const CUSTOMERS = seedCustomers().map((c) => c.id);
const SKUS = seedProducts().map((p) => p.sku);
const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;

/** A valid place-order body: a seeded customer, 1–3 distinct seeded SKUs of 1–3 each. */
export function placeOrderBody(): string {
  const lines = 1 + Math.floor(Math.random() * 3);
  const skus = new Set<string>();
  while (skus.size < lines) skus.add(pick(SKUS));
  return JSON.stringify({
    customerId: pick(CUSTOMERS),
    items: [...skus].map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 3) })),
    shippingAddress: { name: 'Bench Buyer', line1: '1 Load Street', city: 'Lyon', postalCode: '69001', country: 'FR' },
  });
}

/** One request to 127.0.0.1:port over `agent` (keep-alive), the whole answer as text. */
export function sendRequest(
  agent: Agent,
  port: number,
  request: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  const { body } = request;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: request.method,
        path: request.path,
        headers:
          body === undefined ? request.headers : { ...request.headers, 'content-length': Buffer.byteLength(body) },
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
