// The projection worker as a process of its own: `npm run start:worker`.
// Start as many as you like; each projection runs in one of them at a time
// and moves to another within seconds when that one dies.
import { prepareDatabase } from '../lib/db/prepare';
import { resolveDatabase } from '../lib/db/resolve';
import { PROJECTIONS } from '../lib/read-models';
import { startProjectionWorker } from '../lib/projections/worker';
import { ledgerSettingsFromEnv } from '../lib/ledger/config';
import { exitAtShutdownLimit } from '../lib/server/shutdown-limit';
import { loggerFor } from '../lib/observability/logger';

const log = loggerFor('projector');

const db = await resolveDatabase();
await prepareDatabase(db.url);
const worker = startProjectionWorker({
  connectionString: db.url,
  projections: PROJECTIONS,
  ledger: ledgerSettingsFromEnv(),
  log: (line) => log.info(line),
});
log.info(
  { worker: worker.id },
  `Projection worker ${worker.id} started (${PROJECTIONS.map((p) => `${p.name} v${p.version}`).join(', ')})`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping the projection worker');
  exitAtShutdownLimit();
  await worker.stop();
  await db.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
