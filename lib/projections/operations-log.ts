import type pg from 'pg';
import type { EventStore, NewEvent } from '../event-store';
import type { EventSchema } from '../event-store/upcasting';

// What operators do to projections is itself history: each action is an
// event in one append-only stream of its own, hash-chained like every
// stream, with the actor in its metadata.

export const OPERATIONS_STREAM_TYPE = 'operations';
export const OPERATIONS_STREAM_ID = 'operations-projections';
/** First key of the advisory lock that serialises appends to the operations stream ("OP"). */
const OPERATIONS_LOCK_CLASS = 0x4f50;

export type ProjectionEventSkipped = {
  type: 'ProjectionEventSkipped';
  data: {
    projection: string;
    version: number;
    /** The skipped event: its global position, stream, version in it and type. */
    position: string;
    streamId: string;
    streamVersion: number;
    eventType: string;
    /** The error it failed with, and why the operator chose to pass over it. */
    error: string | null;
    reason: string;
  };
};

export type ProjectionRetryRequested = {
  type: 'ProjectionRetryRequested';
  data: { projection: string; version: number; error: string | null; reason: string | null };
};

export type ProjectionRebuildRequested = {
  type: 'ProjectionRebuildRequested';
  data: { projection: string; version: number; reason: string | null };
};

/** The rebuild caught up and its tables took the place of the version's. */
export type ProjectionRebuilt = {
  type: 'ProjectionRebuilt';
  data: { projection: string; version: number; position: string; eventsProcessed: number; durationMs: number };
};

export type ProjectionsCompared = {
  type: 'ProjectionsCompared';
  data: { projection: string; a: number; b: number; position: string; passed: boolean; comparisonId: string };
};

export type ProjectionSwitched = {
  type: 'ProjectionSwitched';
  data: {
    projection: string;
    from: number;
    to: number;
    reason: string | null;
    /** True when an operator switched without a passing comparison. */
    override: boolean;
    comparisonId: string | null;
  };
};

export type ProjectionRolledBack = {
  type: 'ProjectionRolledBack';
  data: { projection: string; from: number; to: number; reason: string };
};

export type ProjectionRetired = {
  type: 'ProjectionRetired';
  data: { projection: string; version: number; reason: string | null; tables: string[] };
};

export type OperationEvent =
  | ProjectionEventSkipped
  | ProjectionRetryRequested
  | ProjectionRebuildRequested
  | ProjectionRebuilt
  | ProjectionsCompared
  | ProjectionSwitched
  | ProjectionRolledBack
  | ProjectionRetired;

export type Actor = { id: string; name: string };

/** The actor of what the runtime does by itself (a rebuild taking over). */
export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'Ledgerline (automatic)' };

export const OPERATIONS_SCHEMA = {
  streamType: OPERATIONS_STREAM_TYPE,
  current: {
    ProjectionEventSkipped: 1,
    ProjectionRetryRequested: 1,
    ProjectionRebuildRequested: 1,
    ProjectionRebuilt: 1,
    ProjectionsCompared: 1,
    ProjectionSwitched: 1,
    ProjectionRolledBack: 1,
    ProjectionRetired: 1,
  } satisfies Record<OperationEvent['type'], number>,
  upcasters: [],
} as const satisfies EventSchema;

/** Throws unless the event is an operation this code knows, in its current shape. */
export function toOperationEvent(event: { type: string; schemaVersion: number; data: unknown }): OperationEvent {
  const current = Object.hasOwn(OPERATIONS_SCHEMA.current, event.type)
    ? OPERATIONS_SCHEMA.current[event.type as OperationEvent['type']]
    : undefined;
  if (current === undefined) throw new Error(`'${event.type}' is not an operation`);
  if (event.schemaVersion !== current) throw new Error(`${event.type} v${event.schemaVersion} is not v${current}`);
  return { type: event.type, data: event.data } as OperationEvent;
}

/**
 * Appends an operation to the log in the caller's transaction, so that the
 * record and its effect commit together or not at all.
 */
export async function recordOperation(store: EventStore, tx: pg.PoolClient, event: OperationEvent, actor: Actor) {
  const newEvent: NewEvent = {
    type: event.type,
    data: event.data,
    schemaVersion: OPERATIONS_SCHEMA.current[event.type],
    metadata: { actor, commandType: event.type },
  };
  // Operators, the CLI and the worker's take-overs append to this one stream
  // at once; the store's 'any' still reads the stream's version first, so two
  // at once would clash. Taken in turns, for the transaction's length.
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [OPERATIONS_LOCK_CLASS, OPERATIONS_STREAM_ID]);
  const result = await store.append(
    OPERATIONS_STREAM_ID,
    [newEvent],
    { expectedVersion: 'any', streamType: OPERATIONS_STREAM_TYPE },
    tx,
  );
  return {
    operationId: `${OPERATIONS_STREAM_ID}/${result.version}`,
    version: result.version,
    position: result.position,
  };
}
