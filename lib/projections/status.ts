import type { Queryable } from '../event-store/store';
import { formatPosition } from '../event-store';

export type ProjectionStatus = {
  name: string;
  version: number;
  position: string;
  /** Committed events after the checkpoint (counted up to LAG_COUNT_CAP). */
  lagEvents: number;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  lagMs: number;
  status: string;
  lastError: string | null;
  lastErrorAt: string | null;
  failedAttempts: number;
  eventsProcessed: number;
  processedAt: string | null;
  heartbeatAt: string | null;
  owner: string | null;
};

/** Counting a huge backlog exactly is slow and tells no one anything more. */
export const LAG_COUNT_CAP = 1_000_000;

/**
 * Every projection version with its position and lag. Lag counts only events
 * a reader may already see (same horizon as readAll), so a projection that is
 * caught up shows 0 even while writers are mid-transaction.
 */
export async function listProjectionStatus(db: Queryable): Promise<ProjectionStatus[]> {
  const { rows } = await db.query<{
    name: string;
    version: number;
    transaction_id: string;
    global_position: string;
    status: string;
    last_error: string | null;
    last_error_at: Date | null;
    failed_attempts: number;
    events_processed: string;
    processed_at: Date | null;
    heartbeat_at: Date | null;
    owner: string | null;
    lag_events: string;
    oldest_pending: Date | null;
    now: Date;
  }>(
    `SELECT c.*, c.transaction_id::text, c.global_position::text, c.events_processed::text, now() AS now,
            (SELECT count(*) FROM (
               SELECT 1 FROM events e
                WHERE (e.transaction_id, e.global_position) > (c.transaction_id::text::xid8, c.global_position)
                  AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                LIMIT ${LAG_COUNT_CAP}) pending) AS lag_events,
            (SELECT e.recorded_at FROM events e
              WHERE (e.transaction_id, e.global_position) > (c.transaction_id::text::xid8, c.global_position)
                AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY e.transaction_id, e.global_position LIMIT 1) AS oldest_pending
       FROM projection_checkpoints c
      ORDER BY c.name, c.version`,
  );
  return rows.map((row) => ({
    name: row.name,
    version: row.version,
    position: formatPosition({
      transactionId: BigInt(row.transaction_id),
      globalPosition: BigInt(row.global_position),
    }),
    lagEvents: Number(row.lag_events),
    lagMs: row.oldest_pending ? Math.max(0, row.now.getTime() - row.oldest_pending.getTime()) : 0,
    status: row.status,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at?.toISOString() ?? null,
    failedAttempts: row.failed_attempts,
    eventsProcessed: Number(row.events_processed),
    processedAt: row.processed_at?.toISOString() ?? null,
    heartbeatAt: row.heartbeat_at?.toISOString() ?? null,
    owner: row.owner,
  }));
}
