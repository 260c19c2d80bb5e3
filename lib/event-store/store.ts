import type pg from 'pg';
import { withTransaction } from '../db/transaction';
import { CommandIdReusedError, ConcurrencyError } from './errors';
import { eventHash, GENESIS_HASH } from './hash';
import { formatPosition, parsePosition, START, type Position } from './position';
import {
  APPEND_FIRST,
  APPEND_NEXT,
  EVENT_COLUMNS,
  HASHED_TEXT_COLUMNS,
  PROJECTION_EVENT_COLUMNS,
  SQLSTATE,
  type EventRow,
  type LeanEventRow,
  type ProjectionEventRow,
} from './sql';
import { createUpcasting, type EventSchema } from './upcasting';
import { processMetrics, secondsSince } from '../observability/metrics';
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  JsonObject,
  NewEvent,
  ProjectionEvent,
  RecordedEvent,
} from './types';

/** A pool, or one client inside a transaction that the caller controls. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export type ReadAllResult<E = RecordedEvent> = {
  events: E[];
  /** Where the next read starts; store it with the projection's state. */
  checkpoint: string;
};

export type VerifyResult =
  { ok: true; version: number } | { ok: false; version: number; brokenAtVersion: number; reason: string };

export type EventStore = ReturnType<typeof createEventStore>;

export type EventStoreOptions = {
  /**
   * The shapes the code writes and how older ones are upcast. Required, so
   * that no store is made that would hand out events in a stored shape.
   */
  schemas: readonly EventSchema[];
  /** Called after an append commits on its own (not inside a caller's transaction). */
  onAppended?: () => void;
};

export function createEventStore(pool: pg.Pool, storeOptions: EventStoreOptions) {
  const upcasting = createUpcasting(storeOptions.schemas);
  const toEvent = (row: EventRow) => upcasting.upcast(toRecordedEvent(row));
  const toLeanEvent = (row: ProjectionEventRow) => {
    const event: ProjectionEvent = toProjectionEvent(row, new Date(row.occurred_at_ms));
    event.recordedAtMs = row.recorded_at_ms;
    if (row.correlation_id !== null) event.correlationId = row.correlation_id;
    return upcasting.upcast(event);
  };

  /**
   * Appends atomically with optimistic concurrency: when N writers race on the
   * same expected version exactly one wins and the others get ConcurrencyError.
   * One event is one statement (see sql.ts); several events go in one
   * transaction. Pass `db` (a client inside your own transaction) to make the
   * append part of it.
   */
  async function append(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
    db?: Queryable,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const { expectedVersion } = options;
    if (expectedVersion !== 'any' && (!Number.isInteger(expectedVersion) || expectedVersion < 0)) {
      throw new RangeError(`Bad expected version: ${expectedVersion}`);
    }
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await appendOnce(streamId, events, options, db);
        // Inside a caller's transaction the append is not committed yet: its time is the caller's to count.
        if (!db) processMetrics().appendDuration.observe(secondsSince(started));
        if (!db && !result.duplicate) storeOptions.onAppended?.();
        return result;
      } catch (error) {
        // 'any' asks for no check, so a lost race just reads the new version
        // and tries again; a caller's own transaction is aborted by then.
        const retry = error instanceof ConcurrencyError && expectedVersion === 'any' && !db && attempt < 10;
        if (!retry) throw error;
      }
    }
  }

  async function appendOnce(streamId: string, events: NewEvent[], options: AppendOptions, db?: Queryable) {
    const inTransaction = async (run: (q: Queryable) => Promise<AppendResult>) => {
      if (db) return run(db);
      if (events.length === 1) return run(pool);
      return withTransaction(pool, run);
    };
    try {
      return await inTransaction(async (q) => {
        const expected = options.expectedVersion === 'any' ? await streamVersion(streamId, q) : options.expectedVersion;
        const now = new Date();
        let version = expected;
        let last: { global_position: string; transaction_id: string } | undefined;
        for (const [i, event] of events.entries()) {
          // Only the last event records the command, with the final result.
          const commandId = i === events.length - 1 ? (options.commandId ?? null) : null;
          const values: unknown[] = [
            streamId,
            options.streamType,
            event.type,
            event.schemaVersion ?? 1,
            JSON.stringify(event.data),
            JSON.stringify(event.metadata ?? {}),
            (event.occurredAt ?? now).toISOString(),
            commandId,
            options.fingerprint ?? '',
          ];
          // Named statements are parsed and planned once per connection.
          const { rows } = await q.query<{ stream_version: number; global_position: string; transaction_id: string }>(
            version === 0
              ? { name: 'll_append_first', text: APPEND_FIRST, values }
              : { name: 'll_append_next', text: APPEND_NEXT, values: [...values, version] },
          );
          if (rows.length === 0) {
            throw new ConcurrencyError(streamId, options.expectedVersion, await streamVersion(streamId, q));
          }
          version = rows[0]!.stream_version;
          last = rows[0];
        }
        return {
          streamId,
          version,
          position: formatPosition({
            transactionId: BigInt(last!.transaction_id),
            globalPosition: BigInt(last!.global_position),
          }),
          duplicate: false,
        };
      });
    } catch (error) {
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === SQLSTATE.uniqueViolation && constraint === 'commands_pkey' && options.commandId) {
        const first = await findCommand(options.commandId);
        if (first && first.fingerprint === (options.fingerprint ?? '') && first.streamId === streamId)
          return first.result;
        throw new CommandIdReusedError(options.commandId);
      }
      throw error;
    }
  }

  /** The first result of a command id, if it was handled before. */
  async function findCommand(commandId: string, db: Queryable = pool) {
    const { rows } = await db.query<{
      stream_id: string;
      fingerprint: string;
      version: number;
      transaction_id: string;
      position: string;
    }>(
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
  async function readStream(
    streamId: string,
    options: { fromVersion?: number; toVersion?: number } = {},
    db: Queryable = pool,
  ) {
    const { rows } = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE stream_id = $1 AND stream_version >= $2 AND stream_version <= $3
        ORDER BY stream_version`,
      [streamId, options.fromVersion ?? 1, options.toVersion ?? 2_147_483_647],
    );
    return rows.map(toEvent);
  }

  /**
   * Reads all streams in global order after a checkpoint, in batches.
   *
   * A sequence number is taken at INSERT but becomes visible at COMMIT, so a
   * reader filtering on "position > checkpoint" can skip an event whose
   * transaction commits late. Rows are therefore only returned once their
   * transaction is older than every transaction still running in the cluster
   * (pg_snapshot_xmin), and ordered by (transaction id, position), the same
   * pair the checkpoint holds. Writers pay nothing for this. (The ORDER BY
   * names the table's columns: a bare name would sort the text copies that
   * EVENT_COLUMNS selects, where "1000" comes before "999".)
   */
  async function readAll(
    options: { after?: string; limit?: number } = {},
    db: Queryable = pool,
  ): Promise<ReadAllResult> {
    return readAfter(EVENT_COLUMNS, toEvent, options, db);
  }

  /**
   * readAll, the same rows in the same order, as ProjectionEvents: what the
   * projection worker reads (see ProjectionEvent for why).
   */
  async function readAllForProjections(
    options: { after?: string; limit?: number } = {},
    db: Queryable = pool,
  ): Promise<ReadAllResult<ProjectionEvent>> {
    return readAfter(PROJECTION_EVENT_COLUMNS, toLeanEvent, options, db);
  }

  /**
   * readAll's rows as they are stored, with the columns a caller names (SQL
   * expressions over `events`, which must include global_position and
   * transaction_id as text), not upcast: for readers that must see exactly
   * what is stored (the ledger hashes the stored row).
   */
  async function readAllRows<Row extends PositionedRow>(
    columns: string,
    options: { after?: string; limit?: number } = {},
    db: Queryable = pool,
  ): Promise<ReadAllResult<Row & { position: string }>> {
    return readAfter(columns, (row: Row) => ({ ...row, position: rowPosition(row) }), options, db);
  }

  /** The one gap-safe global read behind readAll, readAllForProjections and readAllRows. */
  async function readAfter<Row extends PositionedRow, E extends { position: string }>(
    columns: string,
    toResult: (row: Row) => E,
    options: { after?: string; limit?: number },
    db: Queryable,
  ): Promise<ReadAllResult<E>> {
    const after: Position = options.after ? parsePosition(options.after) : START;
    const limit = options.limit ?? 1000;
    const { rows } = await db.query<Row>(
      `SELECT ${columns} FROM events
        WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.global_position
        LIMIT $3`,
      [after.transactionId.toString(), after.globalPosition.toString(), limit],
    );
    const events = rows.map(toResult);
    return { events, checkpoint: events.at(-1)?.position ?? formatPosition(after) };
  }

  async function streamVersion(streamId: string, db: Queryable = pool): Promise<number> {
    const { rows } = await db.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [
      streamId,
    ]);
    return rows[0]?.version ?? 0;
  }

  /** Recomputes the stream's hash chain and names the first event that does not match. */
  /**
   * Recomputes the stream's hash chain and names the first event that does
   * not match. The chain alone cannot see a deleted LAST event (what remains
   * is an intact, shorter chain), so the stream's row, which every append
   * moves in the same statement, is compared too: a count that disagrees
   * names the first version missing, or the first one that was not appended
   * through the store. `version` is 0 when the stream has neither.
   */
  async function verifyStream(streamId: string, db: Queryable = pool): Promise<VerifyResult> {
    const { rows } = await db.query<EventRow & { data_text: string; metadata_text: string; occurred_at_text: string }>(
      `SELECT ${EVENT_COLUMNS}, ${HASHED_TEXT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    );
    const head = await streamVersion(streamId, db);
    const version = Math.max(head, rows.length);
    const broken = (brokenAtVersion: number, reason: string): VerifyResult => ({
      ok: false,
      version,
      brokenAtVersion,
      reason,
    });
    let prevHash = GENESIS_HASH;
    let expectedVersion = 1;
    for (const row of rows) {
      if (row.stream_version !== expectedVersion)
        return broken(expectedVersion, `version ${expectedVersion} is missing`);
      if (row.prev_hash !== prevHash) {
        return broken(expectedVersion, 'its previous hash does not match the event before it');
      }
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
      if (recomputed !== row.hash) return broken(expectedVersion, 'its content does not match its hash');
      prevHash = row.hash;
      expectedVersion++;
    }
    if (head > rows.length) return broken(rows.length + 1, `version ${rows.length + 1} is missing`);
    if (head < rows.length) {
      return broken(head + 1, `it was not appended through the event store (the stream ends at version ${head})`);
    }
    return { ok: true, version };
  }

  return {
    append,
    findCommand,
    readStream,
    readAll,
    readAllForProjections,
    readAllRows,
    streamVersion,
    verifyStream,
    upcasting,
  };
}

type PositionedRow = Pick<LeanEventRow, 'global_position' | 'transaction_id'>;

/**
 * The position of a row. PostgreSQL prints xid8 and bigint in canonical
 * decimal (no sign, no leading zeros), which is what formatPosition writes,
 * so the two texts are joined as they are: two BigInts and their printing per
 * event were a visible part of a rebuild's profile.
 */
function rowPosition(row: PositionedRow): string {
  return `${row.transaction_id}:${row.global_position}`;
}

function toProjectionEvent(row: Omit<LeanEventRow, 'occurred_at'>, occurredAt: Date): ProjectionEvent {
  return {
    position: rowPosition(row),
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.stream_version,
    type: row.event_type,
    schemaVersion: row.schema_version,
    storedSchemaVersion: row.schema_version,
    data: row.data as JsonObject,
    occurredAt,
  };
}

/** A projection's event plus what only other readers need (metadata, the chain, the recording time). */
function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    ...toProjectionEvent(row, row.occurred_at),
    metadata: row.metadata as EventMetadata,
    recordedAt: row.recorded_at,
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}
