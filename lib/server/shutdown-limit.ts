// No `import 'server-only'`: server.ts and the worker load this under plain Node.
import { loggerFor } from '../observability/logger';

/** However long its steps take, a process that was asked to stop is gone this long after. */
export const SHUTDOWN_LIMIT_MS = 10_000;

/**
 * Arms the last resort of a graceful shutdown: each step has its own bound
 * (HTTP drain 5 s, projection worker 5 s), and this one covers whatever is
 * left (a PostgreSQL that takes long to stop, a step nobody bounded).
 */
export function exitAtShutdownLimit(log: (line: string) => void = (line) => loggerFor('server').error(line)) {
  setTimeout(() => {
    log(`shutdown still running after ${SHUTDOWN_LIMIT_MS} ms: exiting now`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();
}
