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
//
// The copies start with their keys only (the primary key and any unique
// index: the projections' ON CONFLICT needs them); their other indexes are
// built once, whole, when the replay has caught up (buildRebuildIndexes),
// instead of being maintained row by row through the whole replay, where
// they cost most of a batch's writes. Built from the originals' own
// definitions, they have the same names and definitions as the migration's,
// so the swapped-in tables show Prisma no drift; the swap refuses copies
// that lack any index the originals have.

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
    // …and the indexes that enforce nothing go again, until the replay has caught up (see above).
    for (const index of await tableIndexes(tx, rebuildSchema(projection), projection.tables)) {
      if (!index.enforces) await tx.query(`DROP INDEX ${schema}.${pg.escapeIdentifier(index.name)}`);
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
    // Never tables that would serve without an index the version's have: buildRebuildIndexes first.
    if ((await missingIndexes(client, projection)).length > 0) {
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

type Queryable = Pick<pg.ClientBase, 'query'>;

type TableIndex = {
  table: string;
  name: string;
  /** pg_get_indexdef with the table's schema left out: equal for an index and its copy. */
  definition: string;
  /** Backs a constraint or is unique: a copy keeps it from the start. */
  enforces: boolean;
};

/** The indexes of the tables in one schema. */
async function tableIndexes(db: Queryable, schema: string, tables: readonly string[]): Promise<TableIndex[]> {
  const { rows } = await db.query<{
    table: string;
    name: string;
    definition: string;
    qualified: string;
    enforces: boolean;
  }>(
    `SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(i.oid) AS definition,
            quote_ident(n.nspname) || '.' || quote_ident(t.relname) AS qualified,
            x.indisunique OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid) AS enforces
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = ANY($2::text[])
      ORDER BY t.relname, i.relname`,
    [schema, [...tables]],
  );
  return rows.map((r) => {
    const on = ` ON ${r.qualified} `;
    if (!r.definition.includes(on)) throw new Error(`Unexpected definition of index ${r.name}: ${r.definition}`);
    return {
      table: r.table,
      name: r.name,
      definition: r.definition.replace(on, ` ON ${pg.escapeIdentifier(r.table)} `),
      enforces: r.enforces,
    };
  });
}

/** The version's indexes (in public) that its rebuild copies lack, as statements that create them on the copies. */
async function missingIndexes(db: Queryable, projection: Projection): Promise<Array<{ name: string; create: string }>> {
  const schema = rebuildSchema(projection);
  const [originals, copies] = await Promise.all([
    tableIndexes(db, 'public', projection.tables),
    tableIndexes(db, schema, projection.tables),
  ]);
  const have = new Set(copies.map((c) => `${c.table}/${c.name}/${c.definition}`));
  return originals
    .filter((o) => !have.has(`${o.table}/${o.name}/${o.definition}`))
    .map((o) => ({
      name: o.name,
      // The original's own definition, on the copy: same name, same columns, same method and options.
      create: o.definition.replace(
        ` ON ${pg.escapeIdentifier(o.table)} `,
        ` ON ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(o.table)} `,
      ),
    }));
}

/**
 * Builds the indexes that the version's rebuild copies lack (see the top of
 * this file), in one transaction, so that the next swapInRebuild may take
 * over. For the rebuild loop once a batch came back short of full (the
 * replay has caught up): the swap itself stays short. Returns how many it
 * built; 0 when no rebuild runs or nothing is missing. An index a copy holds
 * under an original's name with another definition fails the build (and so
 * the rebuild, visibly): only a person knows what happened there.
 */
export async function buildRebuildIndexes(services: Pick<RebuildServices, 'pool'>, projection: Projection) {
  const client = await services.pool.connect();
  try {
    const { rows } = await client.query(
      `SELECT 1 FROM projection_checkpoints WHERE name = $1 AND version = $2 AND slot = 'rebuild' AND retired_at IS NULL`,
      [projection.name, projection.version],
    );
    if (rows.length === 0) return 0;
    const missing = await missingIndexes(client, projection);
    if (missing.length === 0) return 0;
    await client.query('BEGIN');
    // A sort in memory rather than on disk, for this build alone.
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const index of missing) await client.query(index.create);
    await client.query('COMMIT');
    return missing.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
