/**
 * Columns of a RecordedEvent, shared by every read. The ids come as text
 * (they exceed 2^53 in principle): ORDER BY must name events.<column>, or it
 * sorts these text aliases.
 */
export const EVENT_COLUMNS = `
  global_position::text AS global_position, transaction_id::text AS transaction_id,
  stream_id, stream_type, stream_version, event_type, schema_version, data, metadata,
  occurred_at, recorded_at, hash, prev_hash`;

/**
 * The columns of a ProjectionEvent: EVENT_COLUMNS without metadata and
 * hashes, the times as epoch milliseconds, and of the metadata only the
 * correlation id (the worker logs which requests a batch applied). A Date from a
 * number costs next to nothing, where parsing the timestamp's text was a
 * visible part of a rebuild's profile; floor() gives the millisecond the
 * driver's parser keeps (it drops the microseconds too).
 */
export const PROJECTION_EVENT_COLUMNS = `
  global_position::text AS global_position, transaction_id::text AS transaction_id,
  stream_id, stream_type, stream_version, event_type, schema_version, data,
  floor(extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_at_ms,
  floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at_ms,
  metadata->>'correlationId' AS correlation_id`;

/** The canonical text forms the hash covers (see ll_event_hash in the migrations). */
export const HASHED_TEXT_COLUMNS = `
  data::text AS data_text, metadata::text AS metadata_text,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_text`;

/** What PROJECTION_EVENT_COLUMNS selects. */
export type ProjectionEventRow = Omit<LeanEventRow, 'occurred_at'> & {
  occurred_at_ms: number;
  recorded_at_ms: number;
  correlation_id: string | null;
};

/** The columns both reads share. */
export type LeanEventRow = Pick<
  EventRow,
  | 'global_position'
  | 'transaction_id'
  | 'stream_id'
  | 'stream_type'
  | 'stream_version'
  | 'event_type'
  | 'schema_version'
  | 'data'
  | 'occurred_at'
>;

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

// One event is appended by ONE statement, so an append costs one round trip
// and one short transaction. The stream row is the compare-and-set: the UPDATE
// matches only at the expected version (READ COMMITTED re-checks it after
// waiting for a concurrent writer's lock), so of N racing writers exactly one
// gets a row back; zero rows means a conflict. The stream row also carries
// the head of the hash chain, so the new hash needs no read of `events`.
//
// Parameters: $1 stream id, $2 stream type, $3 event type, $4 schema version,
// $5 data, $6 metadata, $7 occurred at, $8 command id (or null),
// $9 command fingerprint, $10 expected version (APPEND_NEXT only).

const EVENT_VALUES = `$3::text, $4::int, $5::jsonb, $6::jsonb, $7::timestamptz`;

const INSERT_EVENT_AND_COMMAND = `
ins AS (
  INSERT INTO events (stream_id, stream_type, stream_version, event_type, schema_version,
                      data, metadata, occurred_at, prev_hash, hash)
  SELECT $1, $2, s.version, ${EVENT_VALUES}, s.prev_head_hash, s.head_hash FROM s
  RETURNING stream_version, global_position, transaction_id
),
-- A command id seen before fails on commands_pkey and rolls the append back.
cmd AS (
  INSERT INTO commands (command_id, stream_id, fingerprint, version, transaction_id, position)
  SELECT $8, $1, $9, ins.stream_version, ins.transaction_id::text::bigint, ins.global_position
  FROM ins WHERE $8::text IS NOT NULL
)
SELECT stream_version, global_position::text AS global_position, transaction_id::text AS transaction_id FROM ins`;

export const APPEND_FIRST = `
WITH s AS (
  INSERT INTO streams (stream_id, stream_type, version, prev_head_hash, head_hash)
  VALUES ($1, $2, 1, repeat('0', 64), ll_event_hash(repeat('0', 64), $1, 1, ${EVENT_VALUES}))
  ON CONFLICT (stream_id) DO NOTHING
  RETURNING version, prev_head_hash, head_hash
),
${INSERT_EVENT_AND_COMMAND}`;

export const APPEND_NEXT = `
WITH s AS (
  UPDATE streams st
     SET version = st.version + 1, updated_at = now(), prev_head_hash = st.head_hash,
         head_hash = ll_event_hash(st.head_hash, st.stream_id, st.version + 1, ${EVENT_VALUES})
   WHERE st.stream_id = $1 AND st.version = $10::int
  RETURNING st.version, st.prev_head_hash, st.head_hash
),
${INSERT_EVENT_AND_COMMAND}`;

/** PostgreSQL error codes the store maps. */
export const SQLSTATE = {
  uniqueViolation: '23505',
  appendOnly: 'LL010',
} as const;
