/** Columns of a RecordedEvent, shared by every read. */
export const EVENT_COLUMNS = `
  global_position::text AS global_position, transaction_id::text AS transaction_id,
  stream_id, stream_type, stream_version, event_type, schema_version, data, metadata,
  occurred_at, recorded_at, hash, prev_hash`;

/** The canonical text forms the hash covers (see ll_event_hash in the migrations). */
export const HASHED_TEXT_COLUMNS = `
  data::text AS data_text, metadata::text AS metadata_text,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text`;

export type EventRow = {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  occurred_at: Date;
  recorded_at: Date;
  hash: string;
  prev_hash: string;
};

/** PostgreSQL error codes raised by ll_append. */
export const SQLSTATE = {
  conflict: 'LL001',
  empty: 'LL002',
  commandHandled: 'LL003',
  appendOnly: 'LL010',
  uniqueViolation: '23505',
} as const;
