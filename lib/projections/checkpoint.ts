import type pg from 'pg';
import { formatPosition, parsePosition } from '../event-store';
import type { Queryable } from '../event-store/store';
import type { Projection, Slot } from './types';

/** The version was retired (its tables dropped): nothing may be applied to it any more. */
export class RetiredError extends Error {
  override readonly name = 'RetiredError';
}

/** Creates the version's main checkpoint row at the start of the log, once. */
export async function ensureCheckpoint(db: Queryable, projection: Projection) {
  await db.query(
    `INSERT INTO projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name, version, slot) DO NOTHING`,
    [projection.name, projection.version],
  );
}

/**
 * Where the slot stands, without locking anything: the batch's
 * compare-and-set (moveCheckpoint) is what settles a race. Null when the
 * slot has no row (a rebuild not requested, or finished).
 */
export async function readCheckpoint(
  db: Queryable,
  projection: Projection,
  slot: Slot = 'main',
): Promise<string | null> {
  const { rows } = await db.query<{ transaction_id: string; global_position: string; retired: boolean }>(
    `SELECT transaction_id::text, global_position::text, retired_at IS NOT NULL AS retired
       FROM projection_checkpoints WHERE name = $1 AND version = $2 AND slot = $3`,
    [projection.name, projection.version, slot],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.retired) throw new RetiredError(`${projection.name} v${projection.version} is retired`);
  return formatPosition({ transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) });
}

/**
 * Compare-and-set: moves the checkpoint from `from` to `to` only if it is
 * still at `from` (and the version is not retired). False means someone else
 * moved it, and the caller must roll back everything it wrote in this transaction.
 */
export async function moveCheckpoint(
  tx: pg.PoolClient,
  projection: Projection,
  slot: Slot,
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
      WHERE name = $1 AND version = $2 AND slot = $8 AND transaction_id = $6 AND global_position = $7
        AND retired_at IS NULL`,
    [
      projection.name,
      projection.version,
      t.transactionId.toString(),
      t.globalPosition.toString(),
      eventCount,
      f.transactionId.toString(),
      f.globalPosition.toString(),
      slot,
    ],
  );
  return result.rowCount === 1;
}

export type VersionCheckpoint = { position: string; retired: boolean; caughtUp: boolean };

/** The main checkpoints of some versions of `name`, by version; `lock` takes them FOR UPDATE (in version order). */
export async function readVersionCheckpoints(
  db: Queryable,
  name: string,
  versions: number[],
  lock = false,
): Promise<Map<number, VersionCheckpoint>> {
  const { rows } = await db.query<{
    version: number;
    transaction_id: string;
    global_position: string;
    retired: boolean;
    caught_up: boolean;
  }>(
    `SELECT version, transaction_id::text, global_position::text, retired_at IS NOT NULL AS retired,
            caught_up_at IS NOT NULL AS caught_up
       FROM projection_checkpoints WHERE name = $1 AND version = ANY($2::int[]) AND slot = 'main'
      ORDER BY version${lock ? ' FOR UPDATE' : ''}`,
    [name, versions],
  );
  return new Map(
    rows.map((r) => [
      r.version,
      {
        position: formatPosition({
          transactionId: BigInt(r.transaction_id),
          globalPosition: BigInt(r.global_position),
        }),
        retired: r.retired,
        caughtUp: r.caught_up,
      },
    ]),
  );
}
