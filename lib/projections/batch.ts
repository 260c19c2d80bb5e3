import pg from 'pg';
import { parsePosition, type ReadAll, type ProjectionEvent } from '../event-store';
import { moveCheckpoint, readCheckpoint } from './checkpoint';
import { rebuildSchema, type Projection, type ProjectionChange, type Slot } from './types';

export type Batch = { from: string; to: string; events: ProjectionEvent[] };
export type BatchResult = Batch & { change: ProjectionChange };

/** A batch that could not be applied, with its events: a batch of one names the failing event. */
export class BatchFailedError extends Error {
  override readonly name = 'BatchFailedError';
  constructor(
    readonly events: ProjectionEvent[],
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export type BatchOptions = {
  /** Which of the version's slots the batch goes to (see Slot); main by default. */
  slot?: Slot;
  /**
   * A notification to send with the batch. It goes out with the COMMIT in
   * one round trip, and PostgreSQL delivers it when, and only if, the batch
   * commits (the worker tells web nodes what changed this way).
   */
  notify?: (result: BatchResult) => { channel: string; payload: string } | null;
};

/**
 * Applies a batch and moves the checkpoint from `batch.from` to `batch.to` in
 * ONE transaction. The rows and the checkpoint commit together or not at all,
 * so a crash anywhere leaves both as they were, and a batch delivered twice
 * changes nothing the second time (the checkpoint is no longer at `from`).
 * Returns null when the checkpoint had moved.
 *
 * The compare-and-set comes first: the UPDATE locks the checkpoint row (a
 * second worker that got here too waits, then finds it moved) and moves it,
 * so a stale batch is never applied, and a handler that throws rolls the move
 * back with its rows. One statement where a SELECT … FOR UPDATE and a
 * later UPDATE took two.
 */
export async function applyBatch(
  pool: pg.Pool,
  projection: Projection,
  batch: Batch,
  options: BatchOptions = {},
): Promise<BatchResult | null> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const slot = options.slot ?? 'main';
    if (!(await moveCheckpoint(tx, projection, slot, batch.from, batch.to, batch.events.length))) {
      await tx.query('ROLLBACK');
      return null;
    }
    const change = await applyEvents(tx, projection, slot, batch.events);
    const result = { ...batch, change };
    const note = options.notify?.(result);
    // Both in one simple query, which takes no parameters: hence the literals.
    // If the NOTIFY fails, the COMMIT is not run and the catch rolls back.
    await tx.query(
      note
        ? `SELECT pg_notify(${pg.escapeLiteral(note.channel)}, ${pg.escapeLiteral(note.payload)}); COMMIT`
        : 'COMMIT',
    );
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => {});
    throw new BatchFailedError(batch.events, error);
  } finally {
    tx.release();
  }
}

/**
 * Reads the next batch after the projection's checkpoint (gap-safe: see
 * readAll) and applies it. Null when there was nothing to read.
 *
 * The read runs on its own, before the batch's transaction: events are
 * immutable and readAll's horizon does not depend on the reader's
 * transaction, so reading first changes nothing but the cost of finding
 * nothing (one statement instead of BEGIN, lock, read, ROLLBACK). Whether the
 * batch still starts where the projection stands is settled by applyBatch's
 * compare-and-set; when it does not (`after` was stale: another worker moved
 * the checkpoint), the checkpoint is read again and the batch re-read from it.
 *
 * `options.after`: where the caller believes the checkpoint is (the `to` of
 * its last batch), which saves reading it. A stale belief is found out by the
 * compare-and-set as soon as there is something to apply; a caller that keeps
 * one should still drop it now and then (the worker does when idle), so that
 * a reset with nothing new to read is noticed too.
 */
export async function processNextBatch(
  pool: pg.Pool,
  store: { readAll: ReadAll<ProjectionEvent> },
  projection: Projection,
  limit: number,
  options: BatchOptions & { after?: string } = {},
): Promise<BatchResult | null> {
  const slot = options.slot ?? 'main';
  let from = options.after ?? (await readCheckpoint(pool, projection, slot));
  for (let attempt = 1; ; attempt++) {
    if (from === null) return null; // no such slot (a rebuild that has finished)
    const { events, checkpoint: to } = await store.readAll({ after: from, limit });
    if (events.length === 0) return null;
    const result = await applyBatch(pool, projection, { from, to, events }, options);
    if (result) return result;
    if (attempt >= 3) {
      throw new Error(`Checkpoint of ${projection.name} v${projection.version} keeps moving under this worker`);
    }
    from = await readCheckpoint(pool, projection, slot);
  }
}

async function applyEvents(
  tx: pg.PoolClient,
  projection: Projection,
  slot: Slot,
  events: ProjectionEvent[],
): Promise<ProjectionChange> {
  const types = new Set(projection.eventTypes);
  const relevant: ProjectionEvent[] = [];
  const rejected: Array<{ event: ProjectionEvent; reason: string }> = [];
  for (const event of events) {
    if (!types.has(event.type)) continue;
    const reason = projection.rejects?.(event) ?? null;
    if (reason === null) relevant.push(event);
    else rejected.push({ event, reason });
  }
  if (rejected.length > 0) await setAside(tx, projection, rejected);
  if (relevant.length === 0) return { keys: {} };
  // A rebuild writes the same SQL into its copies of the tables: the schema
  // holds only them, so a projection that reached for any other table fails
  // there instead of writing to a serving one. SET LOCAL ends with the batch.
  if (slot === 'rebuild') await tx.query(`SET LOCAL search_path TO ${pg.escapeIdentifier(rebuildSchema(projection))}`);
  return projection.apply(tx, relevant);
}

async function setAside(
  tx: pg.PoolClient,
  projection: Projection,
  rejected: Array<{ event: ProjectionEvent; reason: string }>,
) {
  const positions = rejected.map(({ event }) => parsePosition(event.position));
  // DO NOTHING: a batch delivered twice never gets here (its checkpoint
  // compare-and-set fails first), but a reset keeps no old rows to clash with.
  await tx.query(
    `INSERT INTO projection_dead_letters
       (name, version, transaction_id, global_position, stream_id, stream_version, event_type, reason)
     SELECT $1, $2, * FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::int[], $7::text[], $8::text[])
     ON CONFLICT DO NOTHING`,
    [
      projection.name,
      projection.version,
      positions.map((p) => p.transactionId.toString()),
      positions.map((p) => p.globalPosition.toString()),
      rejected.map(({ event }) => event.streamId),
      rejected.map(({ event }) => event.version),
      rejected.map(({ event }) => event.type),
      rejected.map(({ reason }) => reason),
    ],
  );
}
