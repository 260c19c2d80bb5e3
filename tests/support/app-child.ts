// The app as a process of its own, for tests that SIGKILL it: the database as
// `npm start` resolves it (the embedded server under LEDGERLINE_DATA_DIR,
// supervised, or DATABASE_URL), migrations and seeds, then the real route
// handlers behind bench/app-server.ts's router (no Next.js build needed).
// Prints `ready <port>` once it listens. The worker runs apart (workers/projector.ts).
import { prepareDatabase } from '../../lib/db/prepare';
import { resolveDatabase } from '../../lib/db/resolve';

const db = await resolveDatabase();
process.env.DATABASE_URL = db.url;
await prepareDatabase(db.url);
const { startAppServer } = await import('../../bench/app-server');
const app = await startAppServer();
console.log(`ready ${app.port}`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => db.stop())
      .then(() => process.exit(0)),
);
