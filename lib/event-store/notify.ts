import type pg from 'pg';

/**
 * Returns a function to call after each committed append. It NOTIFYs
 * projection workers, at most once per event-loop turn however many appends
 * finished in it, and in its own statement: a NOTIFY inside the append's
 * transaction would take PostgreSQL's global notify lock at every commit.
 * Losing a notification costs latency, never events: workers also poll.
 */
export function createAppendNotifier(pool: Pick<pg.Pool, 'query'>, channel = 'll_events') {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      pool.query('SELECT pg_notify($1, $2)', [channel, '']).catch(() => {});
    });
  };
}
