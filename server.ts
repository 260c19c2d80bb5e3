// The one process a user starts: PostgreSQL (embedded unless DATABASE_URL is
// set), migrations and reference data, the projection worker (unless
// --no-worker: run it apart with `npm run start:worker`), then Next.js on one
// HTTP port (which will also carry Socket.IO). `npm start` builds first when needed.
import { createServer } from 'node:http';
import next from 'next';
import { prepareDatabase } from './lib/db/prepare';
import { resolveDatabase } from './lib/db/resolve';
import { stampClientAddress } from './lib/auth/client-address';
import { secureResponses } from './lib/http/security-headers';
import { attachLive } from './lib/live/server';
import { PROJECTIONS } from './lib/read-models';
import { startProjectionWorker } from './lib/projections/worker';
import { ledgerSettingsFromEnv } from './lib/ledger/config';
import { exitAtShutdownLimit } from './lib/server/shutdown-limit';

const dev = process.argv.includes('--dev');
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '0.0.0.0';

const db = await resolveDatabase();
// Route handlers and server actions are bundled apart from this file; they
// find the database through the environment.
process.env.DATABASE_URL = db.url;
const { applied, seeded } = await prepareDatabase(db.url);
if (applied.length) console.log(`> Applied migrations: ${applied.join(', ')}`);
console.log(
  `> Database: ${db.embedded ? `embedded PostgreSQL in ${db.dataDir}` : 'DATABASE_URL'} ` +
    `(${seeded.products} products, ${seeded.customers} customers)`,
);

const worker = process.argv.includes('--no-worker')
  ? null
  : startProjectionWorker({
      connectionString: db.url,
      projections: PROJECTIONS,
      ledger: ledgerSettingsFromEnv(),
      log: (line) => console.log(`[projector] ${line}`),
    });

const app = next({ dev, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();
const server = createServer((req, res) => {
  // Sign-in rate limits count per client address: set here, where the socket is known.
  stampClientAddress(req);
  void handle(req, res);
});
const live = attachLive(server, { connectionString: db.url, log: (line) => console.log(`[live] ${line}`) });
// After attachLive, so that Socket.IO's own answers get the headers too.
secureResponses(server);
server.listen(port, hostname, () => {
  console.log(`> Ledgerline ready on http://localhost:${port}${dev ? ' (dev)' : ''}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`> ${signal}: shutting down`);
  exitAtShutdownLimit();
  // Stop taking requests, let the ones in flight finish, then stop PostgreSQL cleanly.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // In parallel with the drain: the worker's stop has its own bound, even with a projection stuck.
  const workerStopped = worker?.stop();
  // Open WebSockets would hold server.close() for the whole grace period.
  await live.close();
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  await app.close?.().catch(() => {});
  await workerStopped;
  await db.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
