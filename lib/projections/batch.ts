import type pg from 'pg';
import type { EventStore, RecordedEvent } from '../event-store';
import { lockCheckpoint, moveCheckpoint } from './checkpoint';
import type { Projection, ProjectionChange } from './types';

export type Batch = { from: string; to: string; events: RecordedEvent[] };
export type BatchResult = Batch & { change: ProjectionChange };

/**
 * Applies a batch and moves the checkpoint from `batch.from` to `batch.to` in
 * ONE transaction. The rows and the checkpoint commit together or not at all,
 * so a crash anywhere leaves both as they were, and a batch delivered twice
 * changes nothing the second time (the checkpoint is no longer at `from`).
 * Returns null when the checkpoint had moved.
 */
export async function applyBatch(pool: pg.Pool, projection: Projection, batch: Batch): Promise<BatchResult | null> {
  return inTransaction(pool, async (tx) => {
    // Check first, so a stale batch is not even applied; the compare-and-set
    // below still guards the commit.
    if ((await lockCheckpoint(tx, projection)) !== batch.from) return null;
    const change = await applyEvents(tx, projection, batch.events);
    if (!(await moveCheckpoint(tx, projection, batch.from, batch.to, batch.events.length))) return null;
    return { ...batch, change };
  });
}

/**
 * Reads the next batch after the projection's checkpoint (gap-safe: see
 * readAll) and applies it. Null when there was nothing to read.
 */
export async function processNextBatch(
  pool: pg.Pool,
  store: EventStore,
  projection: Projection,
  limit: number,
): Promise<BatchResult | null> {
  return inTransaction(pool, async (tx) => {
    const from = await lockCheckpoint(tx, projection);
    const { events, checkpoint: to } = await store.readAll({ after: from, limit }, tx);
    if (events.length === 0) return null;
    const change = await applyEvents(tx, projection, events);
    if (!(await moveCheckpoint(tx, projection, from, to, events.length))) {
      throw new Error(`Checkpoint of ${projection.name} v${projection.version} moved while its row was locked`);
    }
    return { from, to, events, change };
  });
}

async function applyEvents(tx: pg.PoolClient, projection: Projection, events: RecordedEvent[]): Promise<ProjectionChange> {
  const types = new Set(projection.eventTypes);
  const relevant = events.filter((e) => types.has(e.type));
  return relevant.length > 0 ? projection.apply(tx, relevant) : { keys: {} };
}

/** Commits what `run` returns; rolls back on a throw or a null result. */
async function inTransaction<T>(pool: pg.Pool, run: (tx: pg.PoolClient) => Promise<T | null>): Promise<T | null> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const result = await run(tx);
    await tx.query(result === null ? 'ROLLBACK' : 'COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}
