import pg from 'pg';
import { withTransaction } from '../db/transaction';
import type { Projection } from './types';

/**
 * Throws a projection version's rows away and sends its checkpoint back to
 * the start of the log, in one transaction: the worker that holds it then
 * rebuilds it from the events. The lock on the checkpoint row makes a batch
 * in flight finish first (or wait), so no half-applied batch survives.
 */
export async function resetProjection(pool: pg.Pool, projection: Projection) {
  await withTransaction(pool, async (tx) => {
    await tx.query(`SELECT 1 FROM projection_checkpoints WHERE name = $1 AND version = $2 FOR UPDATE`, [
      projection.name,
      projection.version,
    ]);
    await tx.query(`TRUNCATE ${projection.tables.map((t) => pg.escapeIdentifier(t)).join(', ')}`);
    // The rebuild meets those events again and sets them aside again.
    await tx.query('DELETE FROM projection_dead_letters WHERE name = $1 AND version = $2', [
      projection.name,
      projection.version,
    ]);
    await tx.query(
      `UPDATE projection_checkpoints
          SET transaction_id = 0, global_position = 0, events_processed = 0, status = 'idle',
              last_error = NULL, failed_attempts = 0, processed_at = NULL
        WHERE name = $1 AND version = $2`,
      [projection.name, projection.version],
    );
  });
}
