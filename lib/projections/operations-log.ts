import type { EventSchema } from '../event-store/upcasting';

// What operators do to projections is itself history: each action is an
// event in one append-only stream of its own, hash-chained like every
// stream, with the actor in its metadata.

export const OPERATIONS_STREAM_TYPE = 'operations';
export const OPERATIONS_STREAM_ID = 'operations-projections';

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

export type OperationEvent = ProjectionEventSkipped | ProjectionRetryRequested;

export const OPERATIONS_SCHEMA = {
  streamType: OPERATIONS_STREAM_TYPE,
  current: { ProjectionEventSkipped: 1, ProjectionRetryRequested: 1 } satisfies Record<OperationEvent['type'], number>,
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
