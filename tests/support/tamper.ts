import pg from 'pg';

// Edits history behind the app's back, as someone with table rights could:
// the append-only trigger (prisma/migrations/*_init/migration.sql) is switched
// off for ONE transaction, a stored event is rewritten, and the trigger is
// switched on again before COMMIT. DDL is transactional in PostgreSQL and
// ALTER TABLE holds an exclusive lock on `events` until COMMIT, so no other
// session ever sees the table unprotected. The row's hash is left as it was,
// which is what verifyStream must catch.
//
// For the API tests and the Playwright test alike: pass a pool or a client on
// the database the app uses.

export const APPEND_ONLY_TRIGGER = 'events_append_only';

export const TAMPER_SQL = {
  disableTrigger: `ALTER TABLE events DISABLE TRIGGER ${APPEND_ONLY_TRIGGER}`,
  /** $1 stream id, $2 version, $3 a JSON object merged into the event's data (jsonb `||`). */
  patchData: 'UPDATE events SET data = data || $3::jsonb WHERE stream_id = $1 AND stream_version = $2',
  /** $1 stream id, $2 version. The stream's row keeps its count. */
  deleteEvent: 'DELETE FROM events WHERE stream_id = $1 AND stream_version = $2',
  enableTrigger: `ALTER TABLE events ENABLE TRIGGER ${APPEND_ONLY_TRIGGER}`,
} as const;

export type TamperTarget = { streamId: string; version: number };

/**
 * Merges `patch` into the data of event `version` of `streamId` (an order's
 * stream is `order-<orderId>`), leaving its hash as it was. Throws, changing
 * nothing, unless exactly one row matched.
 */
export function tamperWithEvent(db: pg.Pool | pg.Client, target: TamperTarget, patch: Record<string, unknown>) {
  return withoutAppendOnly(db, (client) =>
    expectOneRow(client.query(TAMPER_SQL.patchData, [target.streamId, target.version, JSON.stringify(patch)]), target),
  );
}

/** Deletes one event (typically the last, which leaves an intact but shorter chain). */
export function deleteEvent(db: pg.Pool | pg.Client, target: TamperTarget) {
  return withoutAppendOnly(db, (client) =>
    expectOneRow(client.query(TAMPER_SQL.deleteEvent, [target.streamId, target.version]), target),
  );
}

async function withoutAppendOnly(db: pg.Pool | pg.Client, run: (client: pg.ClientBase) => Promise<void>) {
  const client = db instanceof pg.Pool ? await db.connect() : db;
  try {
    // ALTER TABLE waits for every open write on `events`, and every later
    // write queues behind it. A test elsewhere that holds a write open while
    // it waits (in JS) for a second append would then wait for us forever, a
    // deadlock PostgreSQL cannot see. So give up the lock after a moment, let
    // the queue drain, and try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL lock_timeout = '500ms'`);
        await client.query(TAMPER_SQL.disableTrigger);
        break;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt === 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
    try {
      await run(client);
      await client.query(TAMPER_SQL.enableTrigger);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    if (client !== db) (client as pg.PoolClient).release();
  }
}

const LOCK_NOT_AVAILABLE = '55P03';

async function expectOneRow(result: Promise<pg.QueryResult>, target: TamperTarget) {
  if ((await result).rowCount !== 1) throw new Error(`No event ${target.streamId} v${target.version} to tamper with`);
}
