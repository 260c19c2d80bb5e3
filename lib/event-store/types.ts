import type { ExpectedVersion } from './errors';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Who did what, and in answer to what. Stored as the event's metadata. */
export type EventMetadata = {
  actor?: { id: string; name: string };
  commandId?: string;
  correlationId?: string;
  causationId?: string;
  [key: string]: JsonValue | undefined;
};

export type NewEvent = {
  type: string;
  data: JsonObject;
  metadata?: EventMetadata;
  /** Bumped when the shape of `data` for this type changes; old shapes are upcast on read. */
  schemaVersion?: number;
  /** When it happened in the domain; defaults to now. */
  occurredAt?: Date;
};

export type RecordedEvent = {
  /** "<transactionId>:<globalPosition>", the order of global reads (see position.ts). */
  position: string;
  globalPosition: number;
  transactionId: string;
  streamId: string;
  streamType: string;
  version: number;
  type: string;
  /** The shape of `data`: the current version of its type once upcast on read (see upcasting.ts). */
  schemaVersion: number;
  /** The version the event was written with; its row and hash keep that shape for good. */
  storedSchemaVersion: number;
  data: JsonObject;
  metadata: EventMetadata;
  occurredAt: Date;
  recordedAt: Date;
  hash: string;
  prevHash: string;
};

/**
 * What projections read of an event: a RecordedEvent without what only
 * audits and integrity checks use (metadata, the hashes, recordedAt). The
 * worker reads just these columns (readAllForProjections): during a rebuild
 * most of the time goes into PostgreSQL printing and Node parsing rows, and
 * the columns left out are half of each row and half of its parsing. Any
 * RecordedEvent is one, so a projection can still be fed full events.
 */
export type ProjectionEvent = Pick<
  RecordedEvent,
  | 'position'
  | 'globalPosition'
  | 'transactionId'
  | 'streamId'
  | 'streamType'
  | 'version'
  | 'type'
  | 'schemaVersion'
  | 'storedSchemaVersion'
  | 'data'
  | 'occurredAt'
> & {
  /** The metadata's correlation id, when the worker read it (for its logs); a RecordedEvent has it in `metadata`. */
  correlationId?: string;
  /** When the event was stored (epoch ms), when the worker read it: the start of the push latency. */
  recordedAtMs?: number;
};

export type AppendOptions = {
  expectedVersion: ExpectedVersion;
  streamType: string;
  /** Makes the append idempotent: the same id again returns the first result and writes nothing. */
  commandId?: string;
  /** What the command asked for; a reused id with another fingerprint is an error, not a duplicate. */
  fingerprint?: string;
};

export type AppendResult = {
  streamId: string;
  version: number;
  position: string;
  /** True when the command id had been handled before and nothing was written now. */
  duplicate: boolean;
};
