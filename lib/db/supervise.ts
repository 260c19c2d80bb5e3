import { livePostmaster } from './postmaster';

export type SupervisorOptions = {
  dataDir: string;
  /** Starts the server again (clearing what the dead one left first). */
  restart: () => Promise<void>;
  log: (line: string) => void;
  checkMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
};

export type Supervisor = { stop: () => void };

/**
 * Watches the embedded server's postmaster (by postmaster.pid, so a server
 * this process attached to is watched too) and starts it again when it dies,
 * after a backoff that doubles from minBackoffMs to maxBackoffMs. While it is
 * down, requests answer 503 (lib/db/unavailable.ts); pools, the worker's
 * locks and the LISTEN connections reconnect on their own once it is back.
 * Another process sharing the data directory may win the restart: PostgreSQL's
 * lock file lets only one postmaster start, and the others see it alive.
 */
export function superviseEmbedded(options: SupervisorOptions): Supervisor {
  const checkMs = options.checkMs ?? 250;
  const minBackoffMs = options.minBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  let stopped = false;
  let restarting = false;

  async function recover() {
    restarting = true;
    const downSince = Date.now();
    for (let attempt = 1; !stopped; attempt++) {
      const backoff = Math.min(maxBackoffMs, minBackoffMs * 2 ** (attempt - 1));
      options.log(`the embedded PostgreSQL is down; restart attempt ${attempt} in ${backoff} ms`);
      await new Promise((resolve) => setTimeout(resolve, backoff).unref());
      if (stopped) break;
      if (livePostmaster(options.dataDir)) {
        options.log('the embedded PostgreSQL was started by another process; attached');
        break;
      }
      try {
        await options.restart();
        options.log(`the embedded PostgreSQL is back after ${Date.now() - downSince} ms (attempt ${attempt})`);
        break;
      } catch (error) {
        options.log(`restart attempt ${attempt} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    restarting = false;
  }

  const timer = setInterval(() => {
    if (!stopped && !restarting && !livePostmaster(options.dataDir)) void recover();
  }, checkMs);
  // Supervision alone must not keep a process alive that has nothing else to do.
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
