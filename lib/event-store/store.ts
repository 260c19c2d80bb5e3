import type pg from 'pg';
import { CommandIdReusedError, ConcurrencyError } from './errors';
import { eventHash, GENESIS_HASH } from './hash';
import { formatPosition, parsePosition, START, type Position } from './position';
import { EVENT_COLUMNS, HASHED_TEXT_COLUMNS, SQLSTATE, type EventRow } from './sql';
import type { AppendOptions, AppendResult, EventMetadata, JsonObject, NewEvent, RecordedEvent } from './types';

/** A pool, or one client inside a transaction that the caller controls. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export type ReadAllResult = {
  events: RecordedEvent[];
  /** Where the next read starts; store it with the projection's state. */
  checkpoint: string;
};

export type VerifyResult =
  | { ok: true; version: number }
  | { ok: false; version: number; brokenAtVersion: number; reason: string };

export type EventStore = ReturnType<typeof createEventStore>;

export function createEventStore(pool: Queryable) {
  /**
   * Appends atomically with optimistic concurrency: when N writers race on the
   * same expected version exactly one wins and the others get ConcurrencyError.
   * The whole append is one statement (ll_append), so it costs one round trip.
   */
  async function append(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
    db: Queryable = pool,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const expected = options.expectedVersion === 'any' ? -1 : options.expectedVersion;
    if (!Number.isInteger(expected) || expected < -1) throw new RangeError(`Bad expected version: ${options.expectedVersion}`);
    const now = new Date();
    const payload = events.map((event) => ({
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: event.data,
      metadata: event.metadata ?? {},
      occurredAt: (event.occurredAt ?? now).toISOString(),
    }));
    try {
      const { rows } = await db.query<{ next_version: number; transaction_id: string; last_position: string }>(
        'SELECT * FROM ll_append($1, $2, $3, $4::jsonb, $5, $6)',
        [streamId, options.streamType, expected, JSON.stringify(payload), options.commandId ?? null, options.fingerprint ?? ''],
      );
      const row = rows[0]!;
      return {
        streamId,
        version: row.next_version,
        position: formatPosition({ transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.last_position) }),
        duplicate: false,
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === SQLSTATE.conflict) {
        throw new ConcurrencyError(streamId, options.expectedVersion, Number((error as { detail?: string }).detail ?? 0));
      }
      if (code === SQLSTATE.commandHandled && options.commandId) {
        const first = await findCommand(options.commandId, db);
        if (first && first.fingerprint === (options.fingerprint ?? '') && first.streamId === streamId) return first.result;
        throw new CommandIdReusedError(options.commandId);
      }
      throw error;
    }
  }

  /** The first result of a command id, if it was handled before. */
  async function findCommand(commandId: string, db: Queryable = pool) {
    const { rows } = await db.query<{ stream_id: string; fingerprint: string; version: number; transaction_id: string; position: string }>(
      'SELECT stream_id, fingerprint, version, transaction_id::text, position::text FROM commands WHERE command_id = $1',
      [commandId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      streamId: row.stream_id,
      fingerprint: row.fingerprint,
      result: {
        streamId: row.stream_id,
        version: row.version,
        position: formatPosition({ transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.position) }),
        duplicate: true,
      } satisfies AppendResult,
    };
  }

  /** The stream's events in version order, up to `toVersion` when given. */
  async function readStream(streamId: string, options: { fromVersion?: number; toVersion?: number } = {}, db: Queryable = pool) {
    const { rows } = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE stream_id = $1 AND stream_version >= $2 AND stream_version <= $3
        ORDER BY stream_version`,
      [streamId, options.fromVersion ?? 1, options.toVersion ?? 2_147_483_647],
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * Reads all streams in global order after a checkpoint, in batches.
   *
   * A sequence number is taken at INSERT but becomes visible at COMMIT, so a
   * reader filtering on "position > checkpoint" can skip an event whose
   * transaction commits late. Rows are therefore only returned once their
   * transaction is older than every transaction still running in the cluster
   * (pg_snapshot_xmin), and ordered by (transaction id, position), the same
   * pair the checkpoint holds. Writers pay nothing for this.
   */
  async function readAll(options: { after?: string; limit?: number } = {}, db: Queryable = pool): Promise<ReadAllResult> {
    const after: Position = options.after ? parsePosition(options.after) : START;
    const limit = options.limit ?? 1000;
    const { rows } = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, global_position
        LIMIT $3`,
      [after.transactionId.toString(), after.globalPosition.toString(), limit],
    );
    const events = rows.map(toRecordedEvent);
    return { events, checkpoint: events.at(-1)?.position ?? formatPosition(after) };
  }

  async function streamVersion(streamId: string, db: Queryable = pool): Promise<number> {
    const { rows } = await db.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [streamId]);
    return rows[0]?.version ?? 0;
  }

  /** Recomputes the stream's hash chain and names the first event that does not match. */
  async function verifyStream(streamId: string, db: Queryable = pool): Promise<VerifyResult> {
    const { rows } = await db.query<EventRow & { data_text: string; metadata_text: string; occurred_at_text: string }>(
      `SELECT ${EVENT_COLUMNS}, ${HASHED_TEXT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    );
    let prevHash = GENESIS_HASH;
    let expectedVersion = 1;
    for (const row of rows) {
      const broken = (reason: string): VerifyResult => ({ ok: false, version: rows.length, brokenAtVersion: expectedVersion, reason });
      if (row.stream_version !== expectedVersion) return broken(`version ${expectedVersion} is missing`);
      if (row.prev_hash !== prevHash) return broken('its previous hash does not match the event before it');
      const recomputed = eventHash({
        prevHash,
        streamId: row.stream_id,
        version: row.stream_version,
        type: row.event_type,
        schemaVersion: row.schema_version,
        dataText: row.data_text,
        metadataText: row.metadata_text,
        occurredAtText: row.occurred_at_text,
      });
      if (recomputed !== row.hash) return broken('its content does not match its hash');
      prevHash = row.hash;
      expectedVersion++;
    }
    return { ok: true, version: rows.length };
  }

  return { append, findCommand, readStream, readAll, streamVersion, verifyStream };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: formatPosition({ transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) }),
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.stream_version,
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data as JsonObject,
    metadata: row.metadata as EventMetadata,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}
