import type pg from 'pg';

/** Appends in this window after a NOTIFY share the next one. */
const MIN_INTERVAL_MS = 10;

/**
 * Returns a function to call after each committed append. It NOTIFYs
 * projection workers in its own statement, never inside the append's
 * transaction (a NOTIFY there would take PostgreSQL's global notify lock at
 * every commit), and coalesced: the first append after a quiet spell is
 * announced on the next event-loop turn, and the appends of the following
 * `minIntervalMs` share one NOTIFY sent when it ends. Each NOTIFY is a
 * transaction with its own commit (and WAL flush), so under load this saves
 * one such transaction per command; a worker busy with a batch would not
 * have listened anyway, and the first event after a pause is not delayed.
 * Losing a notification costs latency, never events: workers also poll.
 */
export function createAppendNotifier(
  pool: Pick<pg.Pool, 'query'>,
  channel = 'll_events',
  { minIntervalMs = MIN_INTERVAL_MS }: { minIntervalMs?: number } = {},
) {
  let scheduled = false;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  const send = () => {
    scheduled = false;
    lastSentAt = performance.now();
    pool.query('SELECT pg_notify($1, $2)', [channel, '']).catch(() => {});
  };
  return () => {
    if (scheduled) return;
    scheduled = true;
    const wait = lastSentAt + minIntervalMs - performance.now();
    if (wait > 0) setTimeout(send, wait);
    else setImmediate(send);
  };
}
