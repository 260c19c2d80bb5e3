import pg from 'pg';
import { withTransaction } from '../db/transaction';
import { notFound, ruleViolation } from '../errors';
import { comparePositions, formatPosition, type EventStore } from '../event-store';
import { EVENTS_CHANNEL, PROJECTIONS_CHANNEL, REBUILD_PAYLOAD } from './channels';
import { recordOperation, SYSTEM_ACTOR, type Actor } from './operations-log';
import { rebuildSchema, type Projection } from './types';

// A rebuild replays a version from the start of the log into fresh copies of
// its tables, in a schema of their own, while the version's own tables go on
// serving (and being kept up to date). Once the copy has caught up, one
// transaction drops the old tables and moves the copies into their place:
// reads see the old rows until that commit and the new ones after it, never
// an empty or a shrinking table. The copy has its own checkpoint (the
// version's `rebuild` slot), so a crash resumes it where it stood.

export type RebuildServices = { pool: pg.Pool; store: EventStore };

type CheckpointRow = { transaction_id: string; global_position: string; retired: boolean };

/**
 * Starts a rebuild of the version: creates the copies of its tables and the
 * rebuild slot at the start of the log, and wakes the worker. Refused while
 * one runs, and for a retired version (its tables are gone).
 */
export async function requestRebuild(
  services: RebuildServices,
  projection: Projection,
  input: { reason?: string | undefined },
  actor: Actor,
) {
  const label = `${projection.name} v${projection.version}`;
  return withTransaction(services.pool, async (tx) => {
    const { rows } = await tx.query<CheckpointRow & { slot: string }>(
      `SELECT slot, retired_at IS NOT NULL AS retired FROM projection_checkpoints
        WHERE name = $1 AND version = $2 ORDER BY slot FOR UPDATE`,
      [projection.name, projection.version],
    );
    const main = rows.find((r) => r.slot === 'main');
    if (!main) throw notFound(`${label} has not started yet: there is nothing to rebuild.`);
    if (main.retired) throw ruleViolation('VERSION_RETIRED', `${label} is retired: its tables are gone.`);
    if (rows.some((r) => r.slot === 'rebuild')) {
      throw ruleViolation('REBUILD_IN_PROGRESS', `A rebuild of ${label} is already running.`);
    }
    const schema = pg.escapeIdentifier(rebuildSchema(projection));
    // Left over by a rebuild whose version was retired halfway: nothing in it counts.
    await tx.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await tx.query(`CREATE SCHEMA ${schema}`);
    for (const table of projection.tables) {
      const name = pg.escapeIdentifier(table);
      // Indexes, defaults and checks come along, under the same names as in public.
      await tx.query(`CREATE TABLE ${schema}.${name} (LIKE public.${name} INCLUDING ALL)`);
    }
    await tx.query(`INSERT INTO projection_checkpoints (name, version, slot) VALUES ($1, $2, 'rebuild')`, [
      projection.name,
      projection.version,
    ]);
    const operation = await recordOperation(
      services.store,
      tx,
      {
        type: 'ProjectionRebuildRequested',
        data: { projection: projection.name, version: projection.version, reason: input.reason ?? null },
      },
      actor,
    );
    await tx.query('SELECT pg_notify($1, $2)', [
      EVENTS_CHANNEL,
      `${REBUILD_PAYLOAD}${projection.name}:${projection.version}`,
    ]);
    return { operationId: operation.operationId, version: projection.version };
  });
}

/**
 * Puts the rebuilt tables in place of the version's, if the rebuild has
 * caught up with it (reached its position or passed it: readers must never
 * see rows older than before, and read-your-writes tokens must stay true).
 * Returns false when it has not (yet), or when readers held the tables past
 * the lock timeout; the worker tries again after its next batch.
 */
export async function swapInRebuild(services: RebuildServices, projection: Projection): Promise<boolean> {
  const client = await services.pool.connect();
  try {
    await client.query('BEGIN');
    // Readers queue behind the DROP's lock for as long as it waits: keep that short, try again later.
    await client.query(`SET LOCAL lock_timeout = '2s'`);
    const { rows } = await client.query<CheckpointRow & { slot: string; events_processed: string; started: Date }>(
      `SELECT slot, transaction_id::text, global_position::text, events_processed::text, created_at AS started,
              retired_at IS NOT NULL AS retired
         FROM projection_checkpoints WHERE name = $1 AND version = $2 ORDER BY slot FOR UPDATE`,
      [projection.name, projection.version],
    );
    const main = rows.find((r) => r.slot === 'main');
    const rebuild = rows.find((r) => r.slot === 'rebuild');
    const at = (r: CheckpointRow) =>
      formatPosition({ transactionId: BigInt(r.transaction_id), globalPosition: BigInt(r.global_position) });
    if (!main || !rebuild || main.retired || comparePositions(at(rebuild), at(main)) < 0) {
      await client.query('ROLLBACK');
      return false;
    }
    const schema = pg.escapeIdentifier(rebuildSchema(projection));
    for (const table of projection.tables) {
      const name = pg.escapeIdentifier(table);
      await client.query(`DROP TABLE public.${name}`);
      await client.query(`ALTER TABLE ${schema}.${name} SET SCHEMA public`);
    }
    await client.query(`DROP SCHEMA ${schema}`);
    await client.query(
      `UPDATE projection_checkpoints m
          SET transaction_id = r.transaction_id, global_position = r.global_position,
              events_processed = r.events_processed, processed_at = now(), status = 'running',
              caught_up_at = coalesce(m.caught_up_at, now()), failed_attempts = 0, last_error = NULL,
              failing_transaction_id = NULL, failing_global_position = NULL, failing_stream_id = NULL,
              failing_stream_version = NULL, failing_event_type = NULL
         FROM projection_checkpoints r
        WHERE m.name = $1 AND m.version = $2 AND m.slot = 'main'
          AND r.name = $1 AND r.version = $2 AND r.slot = 'rebuild'`,
      [projection.name, projection.version],
    );
    await client.query(`DELETE FROM projection_checkpoints WHERE name = $1 AND version = $2 AND slot = 'rebuild'`, [
      projection.name,
      projection.version,
    ]);
    const position = at(rebuild);
    await recordOperation(
      services.store,
      client,
      {
        type: 'ProjectionRebuilt',
        data: {
          projection: projection.name,
          version: projection.version,
          position,
          eventsProcessed: Number(rebuild.events_processed),
          durationMs: Date.now() - rebuild.started.getTime(),
        },
      },
      SYSTEM_ACTOR,
    );
    // Every row may have changed: pages showing this version refetch (keys null).
    await client.query('SELECT pg_notify($1, $2)', [
      PROJECTIONS_CHANNEL,
      JSON.stringify({ projection: projection.name, version: projection.version, checkpoint: position, keys: null }),
    ]);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    // 55P03 lock_not_available: readers held the tables; the next batch tries again.
    if ((error as { code?: string }).code === '55P03') return false;
    throw error;
  } finally {
    client.release();
  }
}
