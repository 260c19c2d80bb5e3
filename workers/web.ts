// One web process of several: forked by server.ts (node:cluster), which has
// already prepared the database and runs the projection worker. It serves
// pages, the API and Socket.IO on the primary's port until SIGTERM.
import { exitAtShutdownLimit } from '../lib/server/shutdown-limit';
import { listenAddress, startWeb } from '../lib/server/web';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('workers/web.ts is started by server.ts, which sets DATABASE_URL.');
const web = await startWeb({ dev: false, ...listenAddress(), connectionString });

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  exitAtShutdownLimit();
  await web.close();
  process.exit(0);
}
// SIGINT too: a terminal's Ctrl+C reaches every process of the group at once.
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
