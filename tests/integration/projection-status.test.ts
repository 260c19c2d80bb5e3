import pg from 'pg';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, type EventStore } from '../../lib/event-store';
import { ensureCheckpoint } from '../../lib/projections/checkpoint';
import { listProjectionStatus, type ProjectionStatus } from '../../lib/projections/status';
import { countingProjection } from '../support/counting-projection';
import { isolatedDatabase, uniqueStreamId } from '../support/db';

// A transaction left open holds readAll's horizon: events committed after it
// started wait, unread. /api/projections must say so rather than show the
// projections as caught up.

let pool: pg.Pool;
let store: EventStore;
const projection = countingProjection('held_status');

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await isolatedDatabase(), max: 4 });
  store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
  await ensureCheckpoint(pool, projection);
});
afterAll(async () => {
  await pool.end();
});

const statusOf = async (): Promise<ProjectionStatus> =>
  (await listProjectionStatus(pool)).find((s) => s.name === projection.name)!;
/** The status once `done` holds for it, or the last one after 5 s. The horizon is the whole server's: another file's transaction may hold it for a moment. */
async function statusWhen(done: (s: ProjectionStatus) => boolean): Promise<ProjectionStatus> {
  const deadline = Date.now() + 5_000;
  let status = await statusOf();
  while (!done(status) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = await statusOf();
  }
  return status;
}
const append = () =>
  store.append(uniqueStreamId('held'), [{ type: 'Tick', data: {} }], { expectedVersion: 0, streamType: 'tick' });

describe('projection status while a transaction holds the read horizon', () => {
  it('shows the committed events that wait, how long, and the session holding them; none once it ends', async () => {
    const idle = await statusWhen((s) => s.heldEvents === 0);
    expect(idle).toMatchObject({ heldEvents: 0, heldMs: 0, heldBy: null });

    const blocker = new pg.Client({ connectionString: pool.options.connectionString, application_name: 'll-blocker' });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_current_xact_id()'); // takes a transaction id: the horizon stops here
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await append();
      await append();
      await new Promise((resolve) => setTimeout(resolve, 30));

      // Other test files' transactions are short: the blocker is the oldest within moments.
      const held = await statusWhen((s) => s.heldBy?.pid === blockerPid);
      expect(held.heldEvents).toBe(2);
      expect(held.heldMs).toBeGreaterThanOrEqual(25);
      expect(held.heldBy).toMatchObject({ pid: blockerPid, applicationName: 'll-blocker' });
      expect(held.heldBy!.openMs).toBeGreaterThanOrEqual(held.heldMs);
      // Not counted as lag: no reader could take them yet.
      expect(held.lagEvents).toBe(idle.lagEvents);

      await blocker.query('COMMIT');
      // (Another file's transaction may hold the horizon for a moment longer.)
      const released = await statusWhen((s) => s.heldEvents === 0);
      expect(released).toMatchObject({ heldEvents: 0, heldMs: 0, heldBy: null });
      expect(released.lagEvents).toBe(idle.lagEvents + 2);
    } finally {
      await blocker.end();
    }
  });
});
