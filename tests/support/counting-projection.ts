import type pg from 'pg';
import type { ProjectionEvent } from '../../lib/event-store';
import type { Projection } from '../../lib/projections/types';

/** The event type the runtime tests append; no other test writes it. */
export const TICK = 'RuntimeTick';

/**
 * A projection for testing the runtime: it counts ticks per stream, and
 * records every position it applies under a primary key, so applying an
 * event twice fails loudly instead of double counting quietly.
 */
export function countingProjection(
  name: string,
  options: { poison?: () => ((event: ProjectionEvent) => boolean) | null } = {},
): Projection {
  const counts = `${name}_counts`;
  const applied = `${name}_applied`;
  return {
    name,
    version: 1,
    eventTypes: [TICK],
    tables: [counts, applied],
    compare: [{ view: 'counts', table: counts, key: ['stream_id'] }],
    async apply(tx, events) {
      const poison = options.poison?.();
      const bad = poison ? events.find(poison) : undefined;
      if (bad) throw new Error(`cannot apply tick ${String(bad.data.n)} of ${bad.streamId}`);
      await tx.query(`INSERT INTO ${applied} (position) SELECT unnest($1::text[])`, [events.map((e) => e.position)]);
      await tx.query(
        `INSERT INTO ${counts} (stream_id, ticks, last_version)
         SELECT stream_id, count(*), max(version) FROM unnest($1::text[], $2::int[]) AS t(stream_id, version) GROUP BY stream_id
         ON CONFLICT (stream_id) DO UPDATE SET ticks = ${counts}.ticks + excluded.ticks, last_version = excluded.last_version`,
        [events.map((e) => e.streamId), events.map((e) => e.version)],
      );
      return { keys: { streams: [...new Set(events.map((e) => e.streamId))] } };
    },
  };
}

export async function createCountingTables(pool: pg.Pool, name: string) {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${name}_counts (stream_id text PRIMARY KEY, ticks int NOT NULL, last_version int NOT NULL)`,
  );
  await pool.query(`CREATE TABLE IF NOT EXISTS ${name}_applied (position text PRIMARY KEY)`);
}

/** The projection's rows next to an independent count over the events table. */
export async function compareWithFold(pool: pg.Pool, name: string, streamPrefix: string) {
  const { rows: projected } = await pool.query<{ stream_id: string; ticks: number; last_version: number }>(
    `SELECT stream_id, ticks, last_version FROM ${name}_counts WHERE stream_id LIKE $1 ORDER BY stream_id`,
    [`${streamPrefix}%`],
  );
  const { rows: folded } = await pool.query<{ stream_id: string; ticks: number; last_version: number }>(
    `SELECT stream_id, count(*)::int AS ticks, max(stream_version) AS last_version FROM events
      WHERE event_type = $1 AND stream_id LIKE $2 GROUP BY stream_id ORDER BY stream_id`,
    [TICK, `${streamPrefix}%`],
  );
  return { projected, folded };
}

/**
 * Version `version` of a counting projection named `name`: the same counting,
 * in tables of its own (`<name>_v<version>_counts`, `…_applied`), as a new
 * version of a real projection would be.
 */
export function countingVersion(
  name: string,
  version: number,
  options: Parameters<typeof countingProjection>[1] = {},
): Projection {
  const tables = `${name}_v${version}`;
  return {
    ...countingProjection(tables, options),
    name,
    version,
    compare: [{ view: 'counts', table: `${tables}_counts`, key: ['stream_id'] }],
  };
}
