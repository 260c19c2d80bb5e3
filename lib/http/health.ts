import 'server-only';
import { errorMessage, loggerFor } from '../observability/logger';

const log = loggerFor('health');

/**
 * Runs the probe with a time limit: a health check must answer even when the
 * database hangs rather than refuses (pg has no connect timeout by default).
 */
export async function probe(
  check: () => Promise<unknown>,
  timeoutMs = 2_000,
  onError?: (error: unknown) => void,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return true;
  } catch (error) {
    // One line: a monitor probing a database that is down would otherwise log a stack every few seconds.
    log.warn({ err: errorMessage(error) }, 'health check failed');
    onError?.(error);
    return false;
  } finally {
    clearTimeout(timer);
  }
}
