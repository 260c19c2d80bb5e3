// The ledger alone in a process of its own, so that tests can SIGKILL it.
// Usage: node --import tsx tests/support/ledger-child.ts <databaseUrl> <keyFile> <exportDir>
import { startProjectionWorker } from '../../lib/projections/worker';

const [databaseUrl, keyFile, exportDir] = process.argv.slice(2);
const worker = startProjectionWorker({
  connectionString: databaseUrl!,
  projections: [],
  ledger: { keyFile: keyFile!, generateKey: false, exportDir: exportDir!, headIntervalMs: 50 },
  id: `ledger-child-${process.pid}`,
  batchSize: 7,
  catchUpBatchSize: 50,
  minBatchIntervalMs: 0,
  pollMs: 20,
  lockRetryMs: 100,
  heartbeatMs: 200,
});
console.log(`ready ${worker.id}`);
process.on('SIGTERM', () => void worker.stop().then(() => process.exit(0)));
