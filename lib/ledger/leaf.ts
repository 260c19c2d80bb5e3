// What a leaf of the ledger is: the stored row of one event, exactly as
// stored, in a canonical byte encoding that anyone can rebuild from a plain
// SELECT (the README's "Ledger" section and verifier/ledger-verify.mjs hold
// the same definition). Upcasting plays no part: a leaf covers the row, not
// the event the app reads from it.
//
// leaf bytes = for each field below, in order: its UTF-8 length as 4 bytes
// big-endian, then its UTF-8 bytes. The first field is the format's name, so
// a later encoding can never be mistaken for this one. Length prefixes make
// the encoding unambiguous whatever the fields hold.

export const LEAF_FORMAT = 'ledgerline/event-leaf/v1';

/** The event's columns as text, in leaf order: what the SELECT below returns and the leaf covers. */
export const LEAF_FIELDS = [
  'global_position',
  'transaction_id',
  'stream_id',
  'stream_type',
  'stream_version',
  'event_type',
  'schema_version',
  'data',
  'metadata',
  'occurred_at',
  'recorded_at',
  'prev_hash',
  'hash',
] as const;

export type LeafRow = Record<(typeof LEAF_FIELDS)[number], string>;

// Numbers in PostgreSQL's canonical decimal; jsonb as its own text form (the
// stored value, printed deterministically); times in UTC to the microsecond,
// which is what the column holds. to_char's YYYY is the year of the era, so a
// year before 1 gets " BC" (else 44 BC would read as AD 44), and to_char gives
// NULL for ±infinity, which get their names: every value has a leaf, and no
// two values the same one.
const UTC_MICROS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const leafTime = (column: string) => `CASE
    WHEN NOT isfinite(${column}) THEN ${column}::text
    WHEN ${column} < '0001-01-01 00:00:00+00' THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z BC"')
    ELSE to_char(${column} AT TIME ZONE 'UTC', ${UTC_MICROS}) END`;

/** SELECT list over `events` giving a LeafRow (every field as text). */
export const LEAF_COLUMNS = `
  global_position::text AS global_position, transaction_id::text AS transaction_id,
  stream_id, stream_type, stream_version::text AS stream_version, event_type,
  schema_version::text AS schema_version, data::text AS data, metadata::text AS metadata,
  ${leafTime('occurred_at')} AS occurred_at,
  ${leafTime('recorded_at')} AS recorded_at,
  prev_hash, hash`;

/** The canonical bytes of a stored row (see the top of this file). */
export function leafBytes(row: LeafRow): Buffer {
  const values = [LEAF_FORMAT, ...LEAF_FIELDS.map((field) => row[field])];
  const lengths = values.map((value) => Buffer.byteLength(value, 'utf8'));
  const bytes = Buffer.allocUnsafe(lengths.reduce((sum, n) => sum + 4 + n, 0));
  let at = 0;
  for (const [i, value] of values.entries()) {
    bytes.writeUInt32BE(lengths[i]!, at);
    at += 4;
    at += bytes.write(value, at, 'utf8');
  }
  return bytes;
}
