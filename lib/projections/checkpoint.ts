import type pg from 'pg';
import { formatPosition, parsePosition } from '../event-store';
import type { Queryable } from '../event-store/store';
import type { Projection } from './types';

/** Creates the projection's checkpoint row at the start of the log, once. */
export async function ensureCheckpoint(db: Queryable, projection: Projection) {
  await db.query(
    `INSERT INTO projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name, version) DO NOTHING`,
    [projection.name, projection.version],
  );
}

/**
 * Where the projection stands, without locking anything: the batch's
 * compare-and-set (moveCheckpoint) is what settles a race.
 */
export async function readCheckpoint(db: Queryable, projection: Projection): Promise<string> {
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
    `SELECT transaction_id::text, global_position::text FROM projection_checkpoints WHERE name = $1 AND version = $2`,
    [projection.name, projection.version],
  );
  const row = rows[0];
  if (!row) throw new Error(`Projection ${projection.name} v${projection.version} has no checkpoint row`);
  return formatPosition({ transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) });
}

/**
 * Compare-and-set: moves the checkpoint from `from` to `to` only if it is
 * still at `from`. False means someone else moved it, and the caller must
 * roll back everything it wrote in this transaction.
 */
export async function moveCheckpoint(
  tx: pg.PoolClient,
  projection: Projection,
  from: string,
  to: string,
  eventCount: number,
): Promise<boolean> {
  const f = parsePosition(from);
  const t = parsePosition(to);
  const result = await tx.query(
    `UPDATE projection_checkpoints
        SET transaction_id = $3, global_position = $4, events_processed = events_processed + $5,
            processed_at = now(), status = 'running', failed_attempts = 0, last_error = NULL,
            failing_transaction_id = NULL, failing_global_position = NULL, failing_stream_id = NULL,
            failing_stream_version = NULL, failing_event_type = NULL
      WHERE name = $1 AND version = $2 AND transaction_id = $6 AND global_position = $7`,
    [
      projection.name,
      projection.version,
      t.transactionId.toString(),
      t.globalPosition.toString(),
      eventCount,
      f.transactionId.toString(),
      f.globalPosition.toString(),
    ],
  );
  return result.rowCount === 1;
}
