// A projection worker in a process of its own, so that tests can SIGKILL it.
// Usage: node --import tsx tests/support/projector-child.ts <databaseUrl> <projectionName> [poison]
// poison: every batch throws, so the projection retries with backoff and then shows as stalled.
import { startProjectionWorker } from '../../lib/projections/worker';
import { countingProjection } from './counting-projection';

const [databaseUrl, name, mode] = process.argv.slice(2);
const worker = startProjectionWorker({
  connectionString: databaseUrl!,
  projections: [countingProjection(name!, { poison: mode === 'poison' ? () => () => true : undefined })],
  id: `child-${process.pid}`,
  batchSize: 7,
  pollMs: 50,
  lockRetryMs: 100,
  heartbeatMs: 200,
});
console.log(`ready ${worker.id}`);
process.on('SIGTERM', () => void worker.stop().then(() => process.exit(0)));
