import type { PoolClient } from 'pg';
import type { ProjectionEvent } from '../event-store';

/**
 * A projection turns events into rows of its own tables. Each version owns
 * its tables (suffix `_v<version>`), so a new version can be built beside the
 * serving one from the same events and switched to later.
 */
export type Projection = {
  /** Stable name, e.g. `order_summaries`. */
  name: string;
  /** Bump when the logic or the tables change; the new version rebuilds from zero. */
  version: number;
  /** Event types it reacts to; others only move its checkpoint. */
  eventTypes: readonly string[];
  /** Its tables, for status pages and for dropping a retired version. */
  tables: readonly string[];
  /**
   * Applies a batch (in global order) inside the runtime's transaction, which
   * also moves the checkpoint. Must use only `tx`, never another connection,
   * and never look up reference data that may change: what it needs is in the
   * events. Returns what changed, for live push.
   */
  apply(tx: PoolClient, events: ProjectionEvent[]): Promise<ProjectionChange>;
  /**
   * Why an event must not be applied (its content cannot be true), or null.
   * The runtime sets such an event aside in projection_dead_letters, in the
   * batch's transaction, and applies the rest: it is neither lost silently
   * nor able to stall the projection for good.
   */
  rejects?(event: ProjectionEvent): string | null;
  /**
   * How its rows line up with another version's for a comparison
   * (lib/projections/compare.ts): one entry per view, matched across versions
   * by `view`. Columns both tables have are compared, keyed by `key`, except
   * those either version names in `expected` (a new meaning, a fixed bug),
   * each with why. A view only one version has is reported, not failed.
   */
  compare: readonly CompareView[];
};

export type CompareView = {
  view: string;
  table: string;
  /** Column (or columns) that identify a row in both versions. */
  key: readonly string[];
  /** Column → why it may differ from another version's. */
  expected?: Readonly<Record<string, string>>;
};

/**
 * A read model: one folder under lib/read-models, owning every version of its
 * projection, their tables, its queries, live rooms and client query keys.
 */
export type ReadModel = {
  name: string;
  /** Every registered version, oldest first; projection_serving says which one serves. */
  versions: readonly Projection[];
};

/** What a batch changed: row keys per view, so clients can refresh just those. */
export type ProjectionChange = { keys: Record<string, string[]> };

/**
 * Where a version's rows are built. main: its own tables, the ones reads use
 * when it serves. rebuild: a replay from the start of the log into fresh
 * copies of those tables in a schema of their own (rebuildSchema), which
 * take the main tables' place once they have caught up (lib/projections/rebuild.ts).
 */
export type Slot = 'main' | 'rebuild';

/** The schema a rebuild of the version fills: its tables keep their names, so the projection's SQL is the same. */
export function rebuildSchema(projection: Pick<Projection, 'name' | 'version'>): string {
  return `ll_rebuild_${projection.name}_v${projection.version}`;
}
