import type pg from 'pg';
import { z } from 'zod';
import { withTransaction } from '../db/transaction';
import { notFound, ruleViolation } from '../errors';
import { formatPosition, isPosition, type EventStore } from '../event-store';
import { PROJECTIONS } from '../read-models';
import {
  OPERATIONS_STREAM_ID,
  recordOperation,
  toOperationEvent,
  type Actor,
  type OperationEvent,
} from './operations-log';
import type { Projection } from './types';
import { EVENTS_CHANNEL, RETRY_PAYLOAD } from './channels';

// What an operator may do about a projection that fails on an event: ask for
// a retry now (after fixing the code or the data it needs), or skip that one
// event with a reason. Each is recorded in the operations stream, in the same
// transaction as its effect, and wakes the worker holding the projection.

export type OperationServices = { pool: pg.Pool; store: EventStore };
export type { Actor };

const reason = z
  .string({ error: 'Reason is required.' })
  .trim()
  .min(1, 'Reason is required.')
  .max(500, 'Reason must be at most 500 characters.');
export const skipInputSchema = z.object({
  position: z.string({ error: 'Position is required.' }).refine(isPosition, 'Position must look like "<txid>:<n>".'),
  reason,
});
export const retryInputSchema = z.object({ reason: reason.optional() });

/** The registered projection version, or NOT_FOUND. */
export function findProjection(name: string, version: number): Projection {
  const projection = PROJECTIONS.find((p) => p.name === name && p.version === version);
  if (!projection) throw notFound(`There is no projection ${name} v${version}.`);
  return projection;
}

/** The registered version of `name` numbered `version`, or undefined. */
export const versionOf = (name: string) => (version: number) =>
  PROJECTIONS.find((p) => p.name === name && p.version === version);

/** The registered versions of a projection, oldest first, or NOT_FOUND. */
export function findVersions(name: string): readonly Projection[] {
  const versions = PROJECTIONS.filter((p) => p.name === name).sort((a, b) => a.version - b.version);
  if (versions.length === 0) throw notFound(`There is no projection ${name}.`);
  return versions;
}

const versionNumber = (label: string) =>
  z.coerce
    .number({ error: `${label} must be a version number.` })
    .int(`${label} must be a version number.`)
    .min(1, `${label} must be a version number.`)
    .max(999_999, `${label} must be a version number.`);

export const rebuildInputSchema = z.object({ version: versionNumber('Version').optional(), reason: reason.optional() });
export const compareQuerySchema = z.object({ a: versionNumber('a').optional(), b: versionNumber('b') });
export const switchInputSchema = z.object({
  reason: reason.optional(),
  override: z.boolean({ error: 'Override must be true or false.' }).optional(),
});
export const rollbackInputSchema = z.object({ reason });
export const retireInputSchema = z.object({ reason: reason.optional() });

type FailingRow = {
  slot: string;
  status: string;
  last_error: string | null;
  failing_transaction_id: string | null;
  failing_global_position: string | null;
  failing_stream_id: string | null;
  failing_stream_version: number | null;
  failing_event_type: string | null;
};

/**
 * The failing slot's checkpoint row (the version's own, else its rebuild's),
 * locked against the worker's batches; NOT_FAILING unless one fails.
 */
async function lockFailing(tx: pg.PoolClient, projection: Projection, action: 'skip' | 'retry'): Promise<FailingRow> {
  const { rows } = await tx.query<FailingRow>(
    `SELECT slot, status, last_error, failing_transaction_id::text, failing_global_position::text, failing_stream_id,
            failing_stream_version, failing_event_type
       FROM projection_checkpoints WHERE name = $1 AND version = $2 ORDER BY slot FOR UPDATE`,
    [projection.name, projection.version],
  );
  if (rows.length === 0) throw notFound(`Projection ${projection.name} v${projection.version} has not started yet.`);
  const row = rows.find((r) => r.status === 'retrying' || r.status === 'stalled') ?? rows[0]!;
  if (row.status !== 'retrying' && row.status !== 'stalled') {
    throw ruleViolation(
      'NOT_FAILING',
      `${projection.name} v${projection.version} is not failing: there is nothing to ${action}.`,
    );
  }
  return row;
}

/**
 * Passes over the one event the projection fails on: the checkpoint moves to
 * it (so the projection goes on after it), the event is kept in
 * projection_dead_letters with the reason, and the skip is recorded. Only the
 * isolated failing event can be skipped, so nothing else is ever passed over.
 */
export async function skipFailingEvent(
  services: OperationServices,
  projection: Projection,
  input: z.infer<typeof skipInputSchema>,
  actor: Actor,
) {
  return withTransaction(services.pool, async (tx) => {
    const row = await lockFailing(tx, projection, 'skip');
    if (row.failing_transaction_id === null) {
      throw ruleViolation(
        'FAILING_EVENT_NOT_ISOLATED',
        `${projection.name} v${projection.version} has not yet isolated the event it fails on; try again after its next retry.`,
      );
    }
    const at = formatPosition({
      transactionId: BigInt(row.failing_transaction_id),
      globalPosition: BigInt(row.failing_global_position!),
    });
    if (input.position !== at) {
      throw ruleViolation(
        'NOT_THE_FAILING_EVENT',
        `${projection.name} v${projection.version} fails on the event at ${at}, not ${input.position}.`,
      );
    }
    const skipped = {
      projection: projection.name,
      version: projection.version,
      position: at,
      streamId: row.failing_stream_id!,
      streamVersion: row.failing_stream_version!,
      eventType: row.failing_event_type!,
      error: row.last_error,
      reason: input.reason,
    };
    await tx.query(
      `UPDATE projection_checkpoints
          SET transaction_id = failing_transaction_id, global_position = failing_global_position,
              events_processed = events_processed + 1, status = 'running', failed_attempts = 0, last_error = NULL,
              failing_transaction_id = NULL, failing_global_position = NULL, failing_stream_id = NULL,
              failing_stream_version = NULL, failing_event_type = NULL
        WHERE name = $1 AND version = $2 AND slot = $3`,
      [projection.name, projection.version, row.slot],
    );
    // A worker's attempt that began before an earlier skip may mark the same event failing again
    // (seen in the contract test): it is skipped already, which is a refusal, not a 500.
    const { rowCount } = await tx.query(
      `INSERT INTO projection_dead_letters
         (name, version, transaction_id, global_position, stream_id, stream_version, event_type, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING`,
      [
        projection.name,
        projection.version,
        row.failing_transaction_id,
        row.failing_global_position,
        skipped.streamId,
        skipped.streamVersion,
        skipped.eventType,
        `skipped by ${actor.name}: ${input.reason}`,
      ],
    );
    if (rowCount === 0) {
      throw ruleViolation(
        'ALREADY_SKIPPED',
        `The event at ${at} was skipped already; ${projection.name} goes on after it.`,
      );
    }
    const recorded = await recordOperation(
      services.store,
      tx,
      { type: 'ProjectionEventSkipped', data: skipped },
      actor,
    );
    await wake(tx, projection);
    return { skipped, operation: recorded };
  });
}

/** Asks the worker holding the projection to try the failing event again now, rather than after its backoff. */
export async function requestRetry(
  services: OperationServices,
  projection: Projection,
  input: z.infer<typeof retryInputSchema>,
  actor: Actor,
) {
  return withTransaction(services.pool, async (tx) => {
    const row = await lockFailing(tx, projection, 'retry');
    const data = {
      projection: projection.name,
      version: projection.version,
      error: row.last_error,
      reason: input.reason ?? null,
    };
    const recorded = await recordOperation(services.store, tx, { type: 'ProjectionRetryRequested', data }, actor);
    await wake(tx, projection);
    return { operation: recorded };
  });
}

/** Delivered at COMMIT, so the worker never wakes to a change it cannot see yet. */
async function wake(tx: pg.PoolClient, projection: Projection) {
  await tx.query('SELECT pg_notify($1, $2)', [
    EVENTS_CHANNEL,
    `${RETRY_PAYLOAD}${projection.name}:${projection.version}`,
  ]);
}

export type OperationEntry = OperationEvent & { version: number; at: string; actor: Actor | null; hash: string };

/** The operations log, newest first. */
export async function listOperations(store: EventStore, limit = 100): Promise<OperationEntry[]> {
  const events = await store.readStream(OPERATIONS_STREAM_ID);
  return events
    .slice(-limit)
    .reverse()
    .map((event) => ({
      ...toOperationEvent(event),
      version: event.version,
      at: event.recordedAt.toISOString(),
      actor: (event.metadata.actor as Actor | undefined) ?? null,
      hash: event.hash,
    }));
}

/** The serving version's number, read now (not from a process's cache: operations must not act on a stale pointer). */
export async function servingNow(pool: pg.Pool, name: string): Promise<number> {
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM projection_serving WHERE name = $1', [
    name,
  ]);
  if (!rows[0]) throw notFound(`There is no projection ${name}.`);
  return rows[0].version;
}
