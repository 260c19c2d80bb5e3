import { describe, expect, it } from 'vitest';
import { CommandIdReusedError, comparePositions, ConcurrencyError } from '../../lib/event-store';
import { countEvents, testStore, uniqueStreamId } from '../support/db';

const { pool, store } = testStore();
const event = (n: number) => ({ type: 'Happened', data: { n } });

describe('append', () => {
  it('assigns versions 1..n and returns the last position', async () => {
    const id = uniqueStreamId();
    const first = await store.append(id, [event(1), event(2)], { expectedVersion: 0, streamType: 'test' });
    const second = await store.append(id, [event(3)], { expectedVersion: 2, streamType: 'test' });
    expect(first.version).toBe(2);
    expect(second.version).toBe(3);
    expect(comparePositions(first.position, second.position)).toBeLessThan(0);
    const events = await store.readStream(id);
    expect(events.map((e) => [e.version, e.data.n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(events.at(-1)!.position).toBe(second.position);
  });

  it('lets exactly one of 20 writers racing on the same expected version win', async () => {
    const id = uniqueStreamId();
    await store.append(id, [event(0)], { expectedVersion: 0, streamType: 'test' });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.append(id, [event(i)], { expectedVersion: 1, streamType: 'test' })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const r of lost) {
      expect(r.reason).toBeInstanceOf(ConcurrencyError);
      expect((r.reason as ConcurrencyError).actualVersion).toBe(2);
    }
    expect(await countEvents(pool, id)).toBe(2);
  });

  it('lets exactly one of 20 writers create a new stream', async () => {
    const id = uniqueStreamId();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.append(id, [event(i)], { expectedVersion: 0, streamType: 'test' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await countEvents(pool, id)).toBe(1);
  });

  it('rejects a stale expected version and writes nothing', async () => {
    const id = uniqueStreamId();
    await store.append(id, [event(1)], { expectedVersion: 0, streamType: 'test' });
    await expect(store.append(id, [event(2)], { expectedVersion: 5, streamType: 'test' })).rejects.toThrow(
      ConcurrencyError,
    );
    await expect(
      store.append(uniqueStreamId(), [event(2)], { expectedVersion: 3, streamType: 'test' }),
    ).rejects.toThrow(ConcurrencyError);
    expect(await countEvents(pool, id)).toBe(1);
  });

  it('returns the first result for a repeated command id and writes nothing new', async () => {
    const id = uniqueStreamId();
    const commandId = uniqueStreamId('cmd');
    const options = { expectedVersion: 0, streamType: 'test', commandId, fingerprint: 'f1' } as const;
    const first = await store.append(id, [event(1)], options);
    const again = await store.append(id, [event(1)], { ...options, expectedVersion: 'any' });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await countEvents(pool, id)).toBe(1);
    await expect(
      store.append(id, [event(1)], { ...options, expectedVersion: 'any', fingerprint: 'other' }),
    ).rejects.toThrow(CommandIdReusedError);
    expect(await countEvents(pool, id)).toBe(1);
  });

  it('writes a repeated command id once when the repeats race', async () => {
    const id = uniqueStreamId();
    const commandId = uniqueStreamId('cmd');
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.append(id, [event(1)], { expectedVersion: 'any', streamType: 'test', commandId, fingerprint: 'f' }),
      ),
    );
    expect(new Set(results.map((r) => r.position)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await countEvents(pool, id)).toBe(1);
  });
});

describe('append-only', () => {
  it.each([
    ['UPDATE', (id: string) => pool.query(`UPDATE events SET data = '{"n": 9}' WHERE stream_id = $1`, [id])],
    ['DELETE', (id: string) => pool.query('DELETE FROM events WHERE stream_id = $1', [id])],
    ['TRUNCATE', () => pool.query('TRUNCATE events')],
  ])('rejects %s on the events table', async (_, statement) => {
    const id = uniqueStreamId();
    await store.append(id, [event(1)], { expectedVersion: 0, streamType: 'test' });
    await expect(statement(id)).rejects.toThrow(/append-only/);
    const [stored] = await store.readStream(id);
    expect(stored!.data).toEqual({ n: 1 });
  });
});

describe('readStream', () => {
  it('stops at toVersion', async () => {
    const id = uniqueStreamId();
    await store.append(id, [event(1), event(2), event(3)], { expectedVersion: 0, streamType: 'test' });
    expect((await store.readStream(id, { toVersion: 2 })).map((e) => e.version)).toEqual([1, 2]);
  });
});

describe('verifyStream', () => {
  it('accepts an untouched stream and names the first tampered event', async () => {
    const id = uniqueStreamId();
    await store.append(id, [event(1), event(2), event(3)], { expectedVersion: 0, streamType: 'test' });
    await store.append(id, [event(4)], { expectedVersion: 3, streamType: 'test' });
    expect(await store.verifyStream(id)).toEqual({ ok: true, version: 4 });

    // An auditor's nightmare: someone with table rights edits history.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
      await client.query(`UPDATE events SET data = '{"n": 200}' WHERE stream_id = $1 AND stream_version = 2`, [id]);
      await client.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await store.verifyStream(id)).toMatchObject({ ok: false, brokenAtVersion: 2 });
  });
});

describe('readAll', () => {
  it('never lets a later-committed transaction overtake an earlier open one', async () => {
    const early = uniqueStreamId('early');
    const late = uniqueStreamId('late');
    const { checkpoint: start } = await drain(store);

    // A appends first (takes the lower position) and stays open.
    const a = await pool.connect();
    try {
      await a.query('BEGIN');
      await store.append(early, [event(1)], { expectedVersion: 0, streamType: 'test' }, a);
      // B appends later, with a higher position, and commits first.
      await store.append(late, [event(2)], { expectedVersion: 0, streamType: 'test' });

      const whileOpen = await readMine(start);
      expect(whileOpen.map((e) => e.streamId)).toEqual([]);

      await a.query('COMMIT');
    } finally {
      a.release();
    }
    const afterCommit = await readMine(start);
    expect(afterCommit.map((e) => e.streamId)).toEqual([early, late]);

    async function readMine(after: string) {
      const all = await drain(store, after);
      return all.events.filter((e) => e.streamId === early || e.streamId === late);
    }
  });

  it('returns nothing of a rolled-back append and resumes from its checkpoint', async () => {
    const { checkpoint: start } = await drain(store);
    const gone = uniqueStreamId('gone');
    const kept = uniqueStreamId('kept');
    const client = await pool.connect();
    await client.query('BEGIN');
    await store.append(gone, [event(1)], { expectedVersion: 0, streamType: 'test' }, client);
    await client.query('ROLLBACK');
    client.release();
    await store.append(kept, [event(2)], { expectedVersion: 0, streamType: 'test' });
    const { events, checkpoint } = await drain(store, start);
    expect(events.some((e) => e.streamId === gone)).toBe(false);
    expect(events.some((e) => e.streamId === kept)).toBe(true);
    expect((await drain(store, checkpoint)).events.filter((e) => e.streamId === kept)).toEqual([]);
  });
});

/** Reads everything visible after `after`, batch by batch, as a projection would. */
async function drain(s: typeof store, after?: string) {
  const events = [];
  let checkpoint = after;
  for (;;) {
    const batch = await s.readAll({ after: checkpoint, limit: 100 });
    events.push(...batch.events);
    if (batch.events.length === 0) return { events, checkpoint: batch.checkpoint };
    checkpoint = batch.checkpoint;
  }
}
