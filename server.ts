// The one process a user starts: PostgreSQL (embedded unless DATABASE_URL is
// set), migrations and reference data, the projection worker (unless
// --no-worker: run it apart with `npm run start:worker`), then the web
// process(es) on one HTTP port (pages, the API and Socket.IO: lib/server/web.ts).
// In production LEDGERLINE_WEB_PROCESSES web processes (default 1; one per
// core uses every core) share the port as cluster workers. Like separate web
// nodes, they learn of a sign-out in another one within SESSION_CHECK_TTL_MS; `--dev` runs one, in this process. `npm start` builds first when needed.
import cluster, { type Worker } from 'node:cluster';
import { intFromEnv } from './lib/config/env';
import { prepareDatabase } from './lib/db/prepare';
import { resolveDatabase } from './lib/db/resolve';
import { PROJECTIONS } from './lib/read-models';
import { startProjectionWorker } from './lib/projections/worker';
import { ledgerSettingsFromEnv } from './lib/ledger/config';
import { exitAtShutdownLimit } from './lib/server/shutdown-limit';
import { listenAddress, startWeb, type Web } from './lib/server/web';
import { serveClusterMetrics } from './lib/observability/cluster-metrics';
import { loggerFor, redactUrl } from './lib/observability/logger';

const log = loggerFor('server');
const projectorLog = loggerFor('projector');

const dev = process.argv.includes('--dev');
const { port, hostname } = listenAddress();
const webProcesses = dev ? 1 : intFromEnv('LEDGERLINE_WEB_PROCESSES', 1, { min: 1, max: 64 });

const db = await resolveDatabase();
// Route handlers and server actions are bundled apart from this file, and
// web processes are forked from it; they find the database through the environment.
process.env.DATABASE_URL = db.url;
const { applied, seeded } = await prepareDatabase(db.url);
if (applied.length) log.info({ migrations: applied }, `applied migrations: ${applied.join(', ')}`);
log.info(
  { database: db.embedded ? 'embedded' : redactUrl(db.url), products: seeded.products, customers: seeded.customers },
  `database: ${db.embedded ? `embedded PostgreSQL in ${db.dataDir}` : 'DATABASE_URL'} ` +
    `(${seeded.products} products, ${seeded.customers} customers)`,
);

const worker = process.argv.includes('--no-worker')
  ? null
  : startProjectionWorker({
      connectionString: db.url,
      projections: PROJECTIONS,
      ledger: ledgerSettingsFromEnv(),
      log: (line) => projectorLog.info(line),
    });

let stopping = false;
const web = webProcesses === 1 ? await startWeb({ dev, port, hostname, connectionString: db.url }) : await forkWeb();
log.info(
  { port, dev, webProcesses },
  `Ledgerline ready on http://localhost:${port}${dev ? ' (dev)' : ''}` +
    (webProcesses > 1 ? ` (${webProcesses} web processes)` : ''),
);

/**
 * The web processes as cluster workers (workers/web.ts): the primary holds
 * the port and hands each new connection to the next worker in turn. The
 * browser's Socket.IO client speaks WebSocket only (lib/live/client.ts), one
 * connection per session, so no session needs to stick to one process. A
 * worker that dies is replaced, at most once a second.
 */
async function forkWeb(): Promise<Web> {
  cluster.setupPrimary({ exec: 'workers/web.ts' });
  // A scrape of /api/metrics reaches one web process, which asks here for every process's figures.
  serveClusterMetrics();
  let lastFork = 0;
  const fork = () =>
    new Promise<Worker>((resolve, reject) => {
      lastFork = Date.now();
      const child = cluster.fork();
      child.once('listening', () => resolve(child));
      child.once('exit', (code) =>
        reject(new Error(`web process ${child.process.pid} exited (${code}) before listening`)),
      );
    });
  await Promise.all(Array.from({ length: webProcesses }, fork));
  cluster.on('exit', (child, code, signal) => {
    if (stopping) return;
    log.error({ webPid: child.process.pid, code, signal }, 'web process exited: starting another');
    setTimeout(
      () => void fork().catch((error: Error) => log.error({ err: error.message }, 'web process did not start')),
      Math.max(0, lastFork + 1_000 - Date.now()),
    );
  });
  return {
    async close() {
      const children = Object.values(cluster.workers ?? {}).filter((c): c is Worker => !!c && !c.isDead());
      const exited = children.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
      // Each drains its requests and sockets (lib/server/web.ts), then exits.
      for (const c of children) c.process.kill('SIGTERM');
      await Promise.all(exited);
    },
  };
}

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  exitAtShutdownLimit();
  // In parallel with the drain: the worker's stop has its own bound, even with a projection stuck.
  const workerStopped = worker?.stop();
  await web.close();
  await workerStopped;
  // PostgreSQL last: the web processes' requests in flight still need it.
  await db.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
