import type { Queryable } from './store';
import type { JsonObject } from './types';
import type { Upcasting } from './upcasting';

/** One (stream type, event type, stored schema version) found in the log, and whether it reads. */
export type CensusRow = {
  streamType: string;
  eventType: string;
  schemaVersion: number;
  events: number;
  /** Null when there is a path to the current shape and the oldest such event reads through it. */
  problem: string | null;
};

/**
 * Every shape the log actually holds, each proven readable: a chain of
 * upcasters to the current version, and the oldest stored event of that shape
 * upcast and read by `read` (which throws when it cannot). One pass to count,
 * one probe per shape for its sample.
 */
export async function eventCensus(
  db: Queryable,
  upcasting: Upcasting,
  read: (streamType: string, event: { type: string; schemaVersion: number; data: JsonObject }) => void,
): Promise<CensusRow[]> {
  const { rows } = await db.query<{
    stream_type: string;
    event_type: string;
    schema_version: number;
    events: string;
    sample: JsonObject;
  }>(
    `SELECT c.stream_type, c.event_type, c.schema_version, c.events::text, s.data AS sample
       FROM (SELECT stream_type, event_type, schema_version, count(*) AS events, min(global_position) AS first
               FROM events GROUP BY stream_type, event_type, schema_version) c
       JOIN events s ON s.global_position = c.first
      ORDER BY c.stream_type, c.event_type, c.schema_version`,
  );
  return rows.map((row) => {
    const base = {
      streamType: row.stream_type,
      eventType: row.event_type,
      schemaVersion: row.schema_version,
      events: Number(row.events),
    };
    const path = upcasting.pathProblem(row.stream_type, row.event_type, row.schema_version);
    if (path) return { ...base, problem: path };
    try {
      const { data, schemaVersion } = upcasting.upcastData(
        row.stream_type,
        row.event_type,
        row.schema_version,
        row.sample,
      );
      read(row.stream_type, { type: row.event_type, schemaVersion, data });
      return { ...base, problem: null };
    } catch (error) {
      return { ...base, problem: `its oldest event does not read: ${error instanceof Error ? error.message : error}` };
    }
  });
}
