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
  /**
   * Committed events no reader may take yet: an older transaction, still
   * open, could yet commit an event that sorts before them (see readAll).
   * Not part of lagEvents. A few for a few milliseconds is normal; many, or
   * for long, means something holds a transaction open.
   */
  heldEvents: number;
  /** How long the oldest of heldEvents has waited; 0 when none. */
  heldMs: number;
  /** The session whose open transaction holds them, when PostgreSQL shows it (any database of the cluster). */
  heldBy: { pid: number; applicationName: string; openMs: number } | null;
  /**
   * The event the projection fails on, once a retry has isolated it (see the
   * worker): what a skip must name. Null while healthy, or before isolated.
   */
  failingEvent: { position: string; streamId: string; streamVersion: number; eventType: string } | null;
  /** Events this version set aside instead of applying (projection_dead_letters); 0 normally. */
  setAsideEvents: number;
  /** The latest of them, with the reason. */
  lastSetAside: {
    position: string;
    streamId: string;
    streamVersion: number;
    eventType: string;
    reason: string;
    at: string;
  } | null;
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
    held_events: string;
    oldest_held: Date | null;
    holder_pid: number | null;
    holder_application: string | null;
    holder_since: Date | null;
    set_aside: string;
    failing_transaction_id: string | null;
    failing_global_position: string | null;
    failing_stream_id: string | null;
    failing_stream_version: number | null;
    failing_event_type: string | null;
    dl_transaction_id: string | null;
    dl_global_position: string | null;
    dl_stream_id: string | null;
    dl_stream_version: number | null;
    dl_event_type: string | null;
    dl_reason: string | null;
    dl_at: Date | null;
  }>(
    // Held events are past every checkpoint (checkpoints only ever move to
    // events below the horizon), so they are counted once for all. The
    // holder is the backend with the oldest transaction id: the one that
    // sets pg_snapshot_xmin. (A prepared transaction can hold it too; it has
    // no backend, so heldBy is then null.)
    `WITH horizon AS (
       SELECT (SELECT count(*) FROM (
                 SELECT 1 FROM events e WHERE e.transaction_id >= pg_snapshot_xmin(pg_current_snapshot())
                  LIMIT ${LAG_COUNT_CAP}) held) AS held_events,
              (SELECT min(e.recorded_at) FROM events e
                WHERE e.transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS oldest_held
     ), holder AS (
       SELECT a.pid AS holder_pid, a.application_name AS holder_application, a.xact_start AS holder_since
         FROM pg_stat_activity a
        WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
        ORDER BY age(a.backend_xid) DESC
        LIMIT 1
     )
     SELECT c.*, c.transaction_id::text, c.global_position::text, c.events_processed::text, now() AS now,
            c.failing_transaction_id::text, c.failing_global_position::text,
            horizon.held_events::text, horizon.oldest_held, holder.*,
            (SELECT count(*) FROM (
               SELECT 1 FROM events e
                WHERE (e.transaction_id, e.global_position) > (c.transaction_id::text::xid8, c.global_position)
                  AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                LIMIT ${LAG_COUNT_CAP}) pending) AS lag_events,
            (SELECT e.recorded_at FROM events e
              WHERE (e.transaction_id, e.global_position) > (c.transaction_id::text::xid8, c.global_position)
                AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY e.transaction_id, e.global_position LIMIT 1) AS oldest_pending,
            (SELECT count(*) FROM projection_dead_letters d
              WHERE d.name = c.name AND d.version = c.version)::text AS set_aside,
            dl.*
       FROM projection_checkpoints c
       CROSS JOIN horizon
       LEFT JOIN holder ON horizon.held_events > 0
       LEFT JOIN LATERAL (
         SELECT d.transaction_id::text AS dl_transaction_id, d.global_position::text AS dl_global_position,
                d.stream_id AS dl_stream_id, d.stream_version AS dl_stream_version, d.event_type AS dl_event_type,
                d.reason AS dl_reason, d.created_at AS dl_at
           FROM projection_dead_letters d
          WHERE d.name = c.name AND d.version = c.version
          ORDER BY d.transaction_id DESC, d.global_position DESC
          LIMIT 1
       ) dl ON true
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
    heldEvents: Number(row.held_events),
    heldMs: row.oldest_held ? Math.max(0, row.now.getTime() - row.oldest_held.getTime()) : 0,
    heldBy:
      row.holder_pid === null
        ? null
        : {
            pid: row.holder_pid,
            applicationName: row.holder_application ?? '',
            openMs: row.holder_since ? Math.max(0, row.now.getTime() - row.holder_since.getTime()) : 0,
          },
    failingEvent:
      row.failing_transaction_id === null
        ? null
        : {
            position: formatPosition({
              transactionId: BigInt(row.failing_transaction_id),
              globalPosition: BigInt(row.failing_global_position!),
            }),
            streamId: row.failing_stream_id!,
            streamVersion: row.failing_stream_version!,
            eventType: row.failing_event_type!,
          },
    setAsideEvents: Number(row.set_aside),
    lastSetAside:
      row.dl_transaction_id === null
        ? null
        : {
            position: formatPosition({
              transactionId: BigInt(row.dl_transaction_id),
              globalPosition: BigInt(row.dl_global_position!),
            }),
            streamId: row.dl_stream_id!,
            streamVersion: row.dl_stream_version!,
            eventType: row.dl_event_type!,
            reason: row.dl_reason!,
            at: row.dl_at!.toISOString(),
          },
  }));
}
