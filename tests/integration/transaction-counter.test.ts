import pg from 'pg';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../lib/db/prepare';
import {
  checkTransactionCounter,
  createEventStore,
  ensureTransactionCounterAhead,
  TransactionCounterBehindError,
  type EventStore,
} from '../../lib/event-store';
import { isolatedDatabase, uniqueStreamId } from '../support/db';

// A dump restored into a new cluster keeps the stored transaction ids while
// the new cluster's counter starts low. Simulated here by writing a row as
// the restored history would hold it: an event of a transaction id ahead of
// this cluster's counter, and a projection checkpoint past it. (The counter is
// cluster-wide, so other test files only ever move it forward.)

let url: string;
let pool: pg.Pool;
let store: EventStore;

beforeAll(async () => {
  url = await isolatedDatabase();
  pool = new pg.Pool({ connectionString: url, max: 4 });
  store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
});
afterAll(async () => {
  await pool.end();
});

/** Inserts an event as if written by transaction `next + ahead` of an older, busier cluster; returns its position. */
async function restoredEvent(ahead: bigint): Promise<string> {
  const { next } = await checkTransactionCounter(pool);
  const { rows } = await pool.query<{ position: string }>(
    `INSERT INTO events (stream_id, stream_type, stream_version, event_type, data, occurred_at, transaction_id, prev_hash, hash)
     VALUES ($1, 'restored', 1, 'Restored', '{}', now(), $2::text::xid8, 'genesis', 'restored')
     RETURNING transaction_id::text || ':' || global_position AS position`,
    [uniqueStreamId('restored'), String(next + ahead)],
  );
  return rows[0]!.position;
}

const appendOne = (streamId = uniqueStreamId('after-restore')) =>
  store.append(streamId, [{ type: 'Appended', data: {} }], { expectedVersion: 0, streamType: 'test' });

describe('the transaction counter after a restore into a new cluster', () => {
  it('without the fix, new events sort before the restored ones: a caught-up reader skips them and a rebuild cannot see the old ones', async () => {
    const checkpoint = await restoredEvent(50_000n);
    const appended = await appendOne();
    const after = await store.readAll({ after: checkpoint, limit: 100 });
    expect(after.events.map((e) => e.streamId)).not.toContain(appended.streamId);
    // The restored event is above the horizon of finished transactions, so a reader from the start stops before it.
    const fromStart = await store.readAll({ limit: 10_000 });
    expect(fromStart.events.some((e) => e.streamType === 'restored')).toBe(false);
  });

  it('prepareDatabase moves the counter past every stored id; then new events sort after the old ones', async () => {
    const checkpoint = await restoredEvent(20_000n);
    const { xidAdvance } = await prepareDatabase(url);
    expect(xidAdvance).toBeGreaterThan(0n);
    const check = await checkTransactionCounter(pool);
    expect(check.next).toBeGreaterThan(check.storedMax);

    const appended = await appendOne();
    const after = await store.readAll({ after: checkpoint, limit: 100 });
    expect(after.events.map((e) => e.streamId)).toContain(appended.streamId);
    const fromStart = await store.readAll({ limit: 10_000 });
    expect(fromStart.events.map((e) => e.position)).toContain(checkpoint);

    // Ahead already: nothing to do on the next start.
    expect(await ensureTransactionCounterAhead(pool)).toBe(0n);
  });

  it('counts projection checkpoints as stored ids too', async () => {
    const { next } = await checkTransactionCounter(pool);
    await pool.query(
      `INSERT INTO projection_checkpoints (name, version, transaction_id, global_position)
       VALUES ('restored_projection', 1, $1, 1)`,
      [String(next + 5_000n)],
    );
    expect((await checkTransactionCounter(pool)).storedMax).toBe(next + 5_000n);
    expect(await ensureTransactionCounterAhead(pool)).toBeGreaterThan(0n);
    expect((await checkTransactionCounter(pool)).next).toBeGreaterThan(next + 5_000n);
  });

  it('refuses a gap too big to burn, naming the offline cure, and burns nothing', async () => {
    const position = await restoredEvent(1_000_000n);
    const stored = BigInt(position.split(':')[0]!);
    const error = await ensureTransactionCounterAhead(pool, { maxAdvance: 1_000n }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCounterBehindError);
    expect((error as TransactionCounterBehindError).code).toBe('TRANSACTION_COUNTER_BEHIND');
    expect((error as Error).message).toContain(`transaction ${stored}`);
    expect((error as Error).message).toContain('pg_resetwal --epoch=1');
    // Other test files move the cluster's counter too, but nowhere near a million ids.
    expect((await checkTransactionCounter(pool)).next).toBeLessThan(stored);
  });
});
