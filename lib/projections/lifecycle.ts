import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { withTransaction } from '../db/transaction';
import { AppError, conflict, isAppError, notFound, ruleViolation, validationError } from '../errors';
import { comparePositions, formatPosition, type EventStore } from '../event-store';
import { PROJECTIONS_CHANNEL } from './channels';
import { readVersionCheckpoints, type VersionCheckpoint } from './checkpoint';
import { compareVersions, type ComparisonReport } from './compare';
import { recordOperation, type Actor, type OperationEvent } from './operations-log';
import { forgetServing, SERVING_CHANNEL } from './serving';
import { rebuildSchema, type Projection } from './types';

// Which version serves, and the versions' ends: switch (after a passing
// comparison, or an operator's override with a reason), rollback to the
// version that served before, and retire (tables dropped, history kept).
// Each is one transaction that also records the operation; a switch or a
// rollback NOTIFYs SERVING_CHANNEL, which every web node follows.

export type LifecycleServices = { pool: pg.Pool; store: EventStore };

/** How long a switch or rollback waits for the version it goes to to reach the serving one's position. */
const CATCH_UP_WAIT_MS = 3_000;
/** Requests that resolved the pointer just before a switch may still read what served: retiring waits this long. */
export const RETIRE_GRACE_MS = 5_000;

type Pointer = { version: number; previousVersion: number | null; switchedAt: Date };

async function readPointer(db: pg.Pool | pg.PoolClient, name: string, lock = false): Promise<Pointer> {
  const { rows } = await db.query<{ version: number; previous_version: number | null; switched_at: Date }>(
    `SELECT version, previous_version, switched_at FROM projection_serving WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
    [name],
  );
  const row = rows[0];
  if (!row) throw notFound(`There is no projection ${name}.`);
  return { version: row.version, previousVersion: row.previous_version, switchedAt: row.switched_at };
}

/** The version may serve: started, not retired, caught up once. */
function assertCanServe(projection: Projection, checkpoint: VersionCheckpoint | undefined) {
  const label = `${projection.name} v${projection.version}`;
  if (!checkpoint) throw ruleViolation('NOT_STARTED', `${label} has not started yet.`);
  if (checkpoint.retired) throw ruleViolation('VERSION_RETIRED', `${label} is retired: its tables are gone.`);
  if (!checkpoint.caughtUp) {
    throw ruleViolation('VERSION_NOT_READY', `${label} is still building: it can serve once it has caught up.`);
  }
}

/**
 * Points reads of the projection at version `to` (from `from`, which must
 * still serve), keeping `previous` for a rollback. Waits until `to` stands
 * at or past the serving version's position, so that nothing a reader saw,
 * and no read-your-writes token, goes back in time.
 */
async function movePointer(
  services: LifecycleServices,
  name: string,
  from: number,
  to: number,
  operation: OperationEvent,
  actor: Actor,
) {
  for (const deadline = Date.now() + CATCH_UP_WAIT_MS; ; await sleep(20)) {
    const done = await withTransaction(services.pool, async (tx) => {
      const pointer = await readPointer(tx, name, true);
      if (pointer.version !== from) throw conflict(`${name} was switched meanwhile: v${pointer.version} serves now.`);
      // Locked: no batch of either version commits until this does.
      const at = await readVersionCheckpoints(tx, name, [from, to], true);
      const target = at.get(to)!;
      const current = at.get(from);
      if (current && comparePositions(target.position, current.position) < 0) {
        if (Date.now() < deadline) return null;
        throw ruleViolation(
          'VERSION_BEHIND',
          `${name} v${to} is at ${target.position}, behind v${from} at ${current.position}: readers would go back in time.`,
        );
      }
      await tx.query(
        `UPDATE projection_serving SET version = $2, previous_version = $3, switched_at = now() WHERE name = $1`,
        [name, to, from],
      );
      const recorded = await recordOperation(services.store, tx, operation, actor);
      await tx.query('SELECT pg_notify($1, $2)', [SERVING_CHANNEL, name]);
      return { recorded, position: target.position };
    });
    if (done) {
      forgetServing(name);
      return { serving: { name, version: to, previousVersion: from }, operation: done.recorded };
    }
  }
}

export type SwitchInput = { reason?: string | undefined; override?: boolean | undefined };

/**
 * Makes `target` the serving version. Unless overridden (with a reason), the
 * two are compared first, and a comparison that fails, or cannot be made
 * (the serving version stalled), refuses the switch with its report.
 */
export async function switchVersion(
  services: LifecycleServices,
  target: Projection,
  serving: (version: number) => Projection | undefined,
  input: SwitchInput,
  actor: Actor,
) {
  const label = `${target.name} v${target.version}`;
  if (input.override && !input.reason) {
    throw validationError({ reason: 'Say why you override the comparison.' }, 'A reason is required to override.');
  }
  const pointer = await readPointer(services.pool, target.name);
  if (pointer.version === target.version) throw ruleViolation('ALREADY_SERVING', `${label} already serves.`);
  assertCanServe(
    target,
    (await readVersionCheckpoints(services.pool, target.name, [target.version])).get(target.version),
  );

  let comparison: ComparisonReport | null = null;
  if (!input.override) {
    const current = serving(pointer.version);
    if (!current) {
      throw ruleViolation(
        'COMPARISON_UNAVAILABLE',
        `${target.name} v${pointer.version} serves but is not in this build, so it cannot be compared; switch with override and a reason.`,
      );
    }
    try {
      comparison = await compareVersions(services, current, target, actor);
    } catch (error) {
      if (isAppError(error) && error.details.rule === 'NOT_AT_SAME_POSITION') {
        throw ruleViolation(
          'COMPARISON_UNAVAILABLE',
          `${error.message} Switch with override and a reason to go ahead.`,
        );
      }
      throw error;
    }
    if (!comparison.passed) {
      throw new AppError(
        'RULE_VIOLATION',
        `${label} differs from v${pointer.version} beyond what it declares: see the comparison, or override with a reason.`,
        { rule: 'COMPARISON_FAILED', comparison },
      );
    }
  }
  const moved = await movePointer(
    services,
    target.name,
    pointer.version,
    target.version,
    {
      type: 'ProjectionSwitched',
      data: {
        projection: target.name,
        from: pointer.version,
        to: target.version,
        reason: input.reason ?? null,
        override: Boolean(input.override),
        comparisonId: comparison?.id ?? null,
      },
    },
    actor,
  );
  return { ...moved, comparison };
}

/** Goes back to the version that served before the last switch; no comparison: this is the way out. */
export async function rollBack(
  services: LifecycleServices,
  name: string,
  versions: (version: number) => Projection | undefined,
  input: { reason: string },
  actor: Actor,
) {
  const pointer = await readPointer(services.pool, name);
  if (pointer.previousVersion === null) {
    throw ruleViolation('NOTHING_TO_ROLL_BACK', `${name} has no previous version to roll back to.`);
  }
  const previous = versions(pointer.previousVersion);
  if (!previous) {
    throw ruleViolation('NOTHING_TO_ROLL_BACK', `${name} v${pointer.previousVersion} is not in this build any more.`);
  }
  assertCanServe(
    previous,
    (await readVersionCheckpoints(services.pool, name, [previous.version])).get(previous.version),
  );
  return movePointer(
    services,
    name,
    pointer.version,
    previous.version,
    {
      type: 'ProjectionRolledBack',
      data: { projection: name, from: pointer.version, to: previous.version, reason: input.reason },
    },
    actor,
  );
}

/**
 * Drops the version's tables (and a rebuild's) and marks it retired; its
 * checkpoint row, set-aside events and operations stay. Never the serving
 * version, and not within RETIRE_GRACE_MS of it serving.
 */
export async function retireVersion(
  services: LifecycleServices,
  projection: Projection,
  input: { reason?: string | undefined },
  actor: Actor,
) {
  const label = `${projection.name} v${projection.version}`;
  return withTransaction(services.pool, async (tx) => {
    const pointer = await readPointer(tx, projection.name, true);
    if (pointer.version === projection.version) {
      throw ruleViolation('VERSION_SERVING', `${label} serves: switch to another version before retiring it.`);
    }
    const wasServing = pointer.previousVersion === projection.version;
    const since = Date.now() - pointer.switchedAt.getTime();
    if (wasServing && since < RETIRE_GRACE_MS) {
      throw ruleViolation(
        'RECENTLY_SERVING',
        `${label} served until ${Math.ceil(since / 1000)} s ago and requests may still read it: try again in a few seconds.`,
      );
    }
    const { rows } = await tx.query<{
      slot: string;
      retired: boolean;
      transaction_id: string;
      global_position: string;
    }>(
      `SELECT slot, retired_at IS NOT NULL AS retired, transaction_id::text, global_position::text
         FROM projection_checkpoints WHERE name = $1 AND version = $2 ORDER BY slot FOR UPDATE`,
      [projection.name, projection.version],
    );
    const main = rows.find((r) => r.slot === 'main');
    if (!main) throw ruleViolation('NOT_STARTED', `${label} has not started yet.`);
    if (main.retired) throw ruleViolation('ALREADY_RETIRED', `${label} is retired already.`);
    for (const table of projection.tables) await tx.query(`DROP TABLE IF EXISTS public.${pg.escapeIdentifier(table)}`);
    await tx.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(rebuildSchema(projection))} CASCADE`);
    await tx.query(`DELETE FROM projection_checkpoints WHERE name = $1 AND version = $2 AND slot = 'rebuild'`, [
      projection.name,
      projection.version,
    ]);
    await tx.query(
      `UPDATE projection_checkpoints SET retired_at = now(), status = 'retired', last_error = NULL, failed_attempts = 0,
              failing_transaction_id = NULL, failing_global_position = NULL, failing_stream_id = NULL,
              failing_stream_version = NULL, failing_event_type = NULL
        WHERE name = $1 AND version = $2 AND slot = 'main'`,
      [projection.name, projection.version],
    );
    if (wasServing) {
      await tx.query('UPDATE projection_serving SET previous_version = NULL WHERE name = $1', [projection.name]);
    }
    const operation = await recordOperation(
      services.store,
      tx,
      {
        type: 'ProjectionRetired',
        data: {
          projection: projection.name,
          version: projection.version,
          reason: input.reason ?? null,
          tables: [...projection.tables],
        },
      },
      actor,
    );
    // Status pages refetch on any message of the projection.
    await tx.query('SELECT pg_notify($1, $2)', [
      PROJECTIONS_CHANNEL,
      JSON.stringify({
        projection: projection.name,
        version: projection.version,
        checkpoint: formatPosition({
          transactionId: BigInt(main.transaction_id),
          globalPosition: BigInt(main.global_position),
        }),
        keys: {},
      }),
    ]);
    return { operation };
  });
}
