// A projection worker in a process of its own, so that tests can SIGKILL it.
// Usage: node --import tsx tests/support/projector-child.ts <databaseUrl> <projectionName> [poison | v<N>]
// poison: every batch throws, so the projection retries with backoff and then shows as stalled.
// v<N>: version N of the projection (countingVersion).
import { startProjectionWorker } from '../../lib/projections/worker';
import { countingProjection, countingVersion } from './counting-projection';

const [databaseUrl, name, mode] = process.argv.slice(2);
const version = /^v(\d+)$/.exec(mode ?? '');
const worker = startProjectionWorker({
  connectionString: databaseUrl!,
  projections: [
    version
      ? countingVersion(name!, Number(version[1]))
      : countingProjection(name!, { poison: mode === 'poison' ? () => () => true : undefined }),
  ],
  id: `child-${process.pid}`,
  batchSize: 7,
  catchUpBatchSize: Number(process.env.CATCH_UP_BATCH_SIZE ?? 10_000),
  pollMs: 50,
  lockRetryMs: 100,
  heartbeatMs: 200,
});
console.log(`ready ${worker.id}`);
process.on('SIGTERM', () => void worker.stop().then(() => process.exit(0)));
