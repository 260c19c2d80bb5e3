import type { Queryable } from '../event-store/store';
import { formatPosition } from '../event-store';
import type { Projection, Slot } from './types';

export type ProjectionStatus = {
  name: string;
  version: number;
  /** Which of the version's slots this row describes (see Slot). */
  slot: Slot;
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
  /** Over the worker's last heartbeat interval; 0 when idle. */
  eventsPerSecond: number;
  /** When the slot first had nothing left to read; null while it builds. */
  caughtUpAt: string | null;
  retiredAt: string | null;
  /** When the slot's row was created: for a rebuild, when it started. */
  createdAt: string;
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
export async function listProjectionStatus(db: Queryable, slots: 'main' | 'all' = 'main'): Promise<ProjectionStatus[]> {
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
    slot: Slot;
    events_per_second: number;
    caught_up_at: Date | null;
    retired_at: Date | null;
    created_at: Date;
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
              WHERE d.name = c.name AND d.version = c.version AND c.slot = 'main')::text AS set_aside,
            dl.*
       FROM projection_checkpoints c
       CROSS JOIN horizon
       LEFT JOIN holder ON horizon.held_events > 0
       LEFT JOIN LATERAL (
         SELECT d.transaction_id::text AS dl_transaction_id, d.global_position::text AS dl_global_position,
                d.stream_id AS dl_stream_id, d.stream_version AS dl_stream_version, d.event_type AS dl_event_type,
                d.reason AS dl_reason, d.created_at AS dl_at
           FROM projection_dead_letters d
          WHERE d.name = c.name AND d.version = c.version AND c.slot = 'main'
          ORDER BY d.transaction_id DESC, d.global_position DESC
          LIMIT 1
       ) dl ON true
      ${slots === 'main' ? "WHERE c.slot = 'main'" : ''}
      ORDER BY c.name, c.version, c.slot`,
  );
  return rows.map((row) => ({
    name: row.name,
    version: row.version,
    slot: row.slot,
    eventsPerSecond: row.events_per_second,
    caughtUpAt: row.caught_up_at?.toISOString() ?? null,
    retiredAt: row.retired_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
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

// ---------------------------------------------------------------------------
// Versions

/**
 * building → ready (caught up) → serving → previous (kept up to date, for a
 * rollback) → retired (tables dropped, history kept). Serving and previous
 * come from projection_serving; the others from the version's checkpoint.
 */
export type VersionState = 'building' | 'ready' | 'serving' | 'previous' | 'retired';

/** Progress of a slot that replays the log: share done, speed and what is left. */
export type Progress = {
  position: string;
  lagEvents: number;
  /** Share of the log applied, 0..1 (1 when caught up). */
  progress: number;
  eventsPerSecond: number;
  /** At the current speed; null when idle or caught up. */
  etaSeconds: number | null;
  status: string;
  lastError: string | null;
};

export type VersionStatus = Progress & {
  version: number;
  state: VersionState;
  /** Registered in this build of the code (a version may be in the database only, from an older build). */
  registered: boolean;
  failedAttempts: number;
  failingEvent: ProjectionStatus['failingEvent'];
  setAsideEvents: number;
  caughtUpAt: string | null;
  retiredAt: string | null;
  /** A rebuild running beside the version's tables, or null. */
  rebuild: (Progress & { startedAt: string; failingEvent: ProjectionStatus['failingEvent'] }) | null;
};

/** The serving version's status (today's fields), with every version of the projection. */
export type ProjectionOverview = ProjectionStatus & {
  servingVersion: number;
  previousVersion: number | null;
  switchedAt: string | null;
  versions: VersionStatus[];
};

function progressOf(row: ProjectionStatus): Progress {
  const total = row.eventsProcessed + row.lagEvents;
  return {
    position: row.position,
    lagEvents: row.lagEvents,
    progress: total === 0 ? 1 : row.eventsProcessed / total,
    eventsPerSecond: Math.round(row.eventsPerSecond),
    etaSeconds: row.lagEvents > 0 && row.eventsPerSecond > 0 ? Math.ceil(row.lagEvents / row.eventsPerSecond) : null,
    status: row.status,
    lastError: row.lastError,
  };
}

/**
 * Every projection with its versions: the registered ones (which may not
 * have started yet) and any the database knows of. Each entry carries the
 * serving version's fields at its top level, as /api/projections always did.
 */
export async function listProjections(
  db: Queryable,
  registered: readonly Pick<Projection, 'name' | 'version'>[],
): Promise<ProjectionOverview[]> {
  const [rows, serving] = await Promise.all([
    listProjectionStatus(db, 'all'),
    db.query<{ name: string; version: number; previous_version: number | null; switched_at: Date }>(
      'SELECT name, version, previous_version, switched_at FROM projection_serving',
    ),
  ]);
  const pointers = new Map(serving.rows.map((r) => [r.name, r]));
  const names = [...new Set([...registered.map((p) => p.name), ...rows.map((r) => r.name)])].sort();
  const overviews: ProjectionOverview[] = [];
  for (const name of names) {
    const pointer = pointers.get(name);
    const mains = rows.filter((r) => r.name === name && r.slot === 'main');
    const numbers = [
      ...new Set([...registered.filter((p) => p.name === name).map((p) => p.version), ...mains.map((r) => r.version)]),
    ].sort((a, b) => a - b);
    const versions = numbers.flatMap((version): VersionStatus[] => {
      const main = mains.find((r) => r.version === version);
      if (!main) return []; // registered, not started: the worker creates its row first thing
      const rebuild = rows.find((r) => r.name === name && r.version === version && r.slot === 'rebuild');
      const state: VersionState = main.retiredAt
        ? 'retired'
        : pointer?.version === version
          ? 'serving'
          : pointer?.previous_version === version
            ? 'previous'
            : main.caughtUpAt
              ? 'ready'
              : 'building';
      return [
        {
          version,
          state,
          registered: registered.some((p) => p.name === name && p.version === version),
          ...progressOf(main),
          failedAttempts: main.failedAttempts,
          failingEvent: main.failingEvent,
          setAsideEvents: main.setAsideEvents,
          caughtUpAt: main.caughtUpAt,
          retiredAt: main.retiredAt,
          rebuild: rebuild
            ? { ...progressOf(rebuild), startedAt: rebuild.createdAt, failingEvent: rebuild.failingEvent }
            : null,
        },
      ];
    });
    const top = mains.find((r) => r.version === pointer?.version);
    if (!top) continue; // nothing serves yet (the worker has not started): no status to show
    overviews.push({
      ...top,
      servingVersion: top.version,
      previousVersion: pointer?.previous_version ?? null,
      switchedAt: pointer?.switched_at.toISOString() ?? null,
      versions,
    });
  }
  return overviews;
}
