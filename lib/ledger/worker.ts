import type pg from 'pg';
import { createReadAhead, type EventStore, type ReadAll } from '../event-store';
import type { LedgerSettings } from './config';
import { exportMissingHeads, exportPublicKey } from './export';
import type { SignedHead } from './head';
import type { SigningKey } from './keys';
import { LEAF_COLUMNS, type LeafRow } from './leaf';
import { appendToLedger, latestHead, loadLedgerState, publishHead, registerKey, type LedgerState } from './store';

// The ledger is kept like a projection, by the projection worker (which runs
// this loop under an advisory lock of its own, one worker at a time): from
// the same gap-safe read, so no event is added before an earlier-committing
// one, with its own checkpoint moved in the transaction that adds the leaves.
// It is not a read model: it has no versions, no rebuild and no handler that
// can refuse an event, so it does not go through the projection runtime.

export type LedgerLoop = {
  pool: pg.Pool;
  store: Pick<EventStore, 'readAllRows'>;
  settings: LedgerSettings;
  key: SigningKey;
  workerId: string;
  batchSize: number;
  catchUpBatchSize: number;
  minBatchIntervalMs: number;
  pollMs: number;
  heartbeatMs: number;
  maxBackoffMs: number;
  /** Sleeps up to `ms`; when `wakeable`, a notification of new events ends it early. True when woken. */
  sleep: (ms: number, wakeable?: boolean) => Promise<boolean>;
  stopped: () => boolean;
  log: (line: string) => void;
  onHead?: (head: SignedHead) => void;
};

/** Runs until stopped or the lock is lost; throws only what the caller should retry after (it reconnects). */
export async function runLedgerLoop(loop: LedgerLoop, lockLost: () => boolean) {
  const { pool, settings, key, log } = loop;
  await registerKey(pool, key);
  await exportPublicKey(settings.exportDir, key);
  const exported = await exportMissingHeads(pool, settings.exportDir);
  if (exported > 0) log(`ledger: exported ${exported} head(s) that had no file yet`);

  const readRows: ReadAll<LeafRow & { position: string }> = (options) =>
    loop.store.readAllRows<LeafRow>(LEAF_COLUMNS, options);
  // Through a backlog the next batch is read while this one is hashed and written.
  const read = createReadAhead(readRows, () => loop.catchUpBatchSize);
  let state: LedgerState = await loadLedgerState(pool);
  let head = await latestHead(pool);
  let limit = loop.batchSize;
  let lastBeat = 0;
  let lastBatchAt = Number.NEGATIVE_INFINITY;
  let failures = 0;

  while (!loop.stopped() && !lockLost()) {
    try {
      if (Date.now() - lastBeat >= loop.heartbeatMs) {
        await pool.query('UPDATE ledger_state SET heartbeat_at = now(), owner = $1 WHERE id = 1', [loop.workerId]);
        lastBeat = Date.now();
      }
      const gather = lastBatchAt + loop.minBatchIntervalMs - Date.now();
      if (gather > 0) await loop.sleep(gather, false);
      const started = Date.now();
      const { events, checkpoint } = await read({ after: state.checkpoint, limit });
      const full = events.length >= limit;
      if (events.length > 0) {
        const next = await appendToLedger(pool, state, events, checkpoint);
        // Moved under us (only by hand, or a worker that had lost its lock): start from where it is.
        state = next ?? (await loadLedgerState(pool));
        lastBatchAt = full ? Number.NEGATIVE_INFINITY : started;
      }
      limit = full ? loop.catchUpBatchSize : loop.batchSize;

      const unsigned = state.frontier.size > (head?.treeSize ?? 0);
      const dueAt = head ? Date.parse(head.timestamp) + settings.headIntervalMs : 0;
      if (unsigned && Date.now() >= dueAt) {
        const published = await publishHead(pool, state, head, key);
        head = published ?? (await latestHead(pool));
        if (published) {
          await exportMissingHeads(pool, settings.exportDir).catch((error: Error) =>
            log(`ledger: could not export head ${published.treeSize} (${error.message}); retried with the next head`),
          );
          loop.onHead?.(published);
        }
      }
      failures = 0;
      if (full) continue;
      // Wake for new events, or when the next head falls due.
      const wait = unsigned ? Math.max(0, Math.min(loop.pollMs, dueAt - Date.now())) : loop.pollMs;
      await loop.sleep(wait);
    } catch (error) {
      failures++;
      const message = (error as Error).message;
      log(`ledger: batch failed (attempt ${failures}): ${message}`);
      await pool
        .query('UPDATE ledger_state SET last_error = $1, last_error_at = now() WHERE id = 1', [message.slice(0, 2000)])
        .catch(() => {});
      await loop.sleep(Math.min(loop.maxBackoffMs, 100 * 2 ** (failures - 1)), false);
      state = await loadLedgerState(pool);
      head = await latestHead(pool);
      limit = loop.batchSize;
    }
  }
}
