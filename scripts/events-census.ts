// npm run events:census
// Lists every (stream type, event type, schema version) stored in the
// database (DATABASE_URL, else the embedded one) and whether each reaches its
// current shape. Exits 1 when one does not: run it before deploying code
// that changes an event's shape.
import pg from 'pg';
import { createUpcasting, eventCensus } from '../lib/event-store';
import { resolveDatabase } from '../lib/db/resolve';
import { EVENT_SCHEMAS, readAsAppEvent } from '../lib/event-schemas';

const db = await resolveDatabase();
const pool = new pg.Pool({ connectionString: db.url, max: 1 });
try {
  const { rows: found } = await pool.query<{ table: string | null }>(`SELECT to_regclass('events')::text AS table`);
  if (!found[0]?.table) {
    console.error('This database has no events table yet: run `npm run db:migrate` (or `npm start`) first.');
    process.exitCode = 2;
  } else {
    const rows = await eventCensus(pool, createUpcasting(EVENT_SCHEMAS), readAsAppEvent);
    if (rows.length === 0) console.log('No events are stored yet.');
    else
      console.table(
        rows.map((r) => ({
          stream: r.streamType,
          event: r.eventType,
          'stored v': r.schemaVersion,
          events: r.events,
          reads: r.problem ?? 'yes',
        })),
      );
    const failing = rows.filter((r) => r.problem);
    if (rows.length)
      console.log(failing.length ? `${failing.length} stored shape(s) cannot be read.` : 'Every stored shape reads.');
    process.exitCode = failing.length ? 1 : 0;
  }
} finally {
  await pool.end();
  await db.stop();
}
