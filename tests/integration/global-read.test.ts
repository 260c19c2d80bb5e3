import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { comparePositions, createEventStore, type RecordedEvent } from '../../lib/event-store';
import { isolatedDatabase, testPool, testStore, uniqueStreamId } from '../support/db';

const { pool, store } = testStore(testPool(40));

describe('global read under concurrent writers', () => {
  it('delivers every committed event exactly once, in a stable order, while transactions interleave, linger and roll back', async () => {
    const run = uniqueStreamId('stress');
    const mine = (e: RecordedEvent) => e.streamId.startsWith(run);
    const seen: RecordedEvent[] = [];
    let checkpoint: string | undefined;
    let writing = true;

    // The reader polls as a projection would, resuming from its checkpoint.
    const reader = (async () => {
      for (;;) {
        const batch = await store.readAll({ after: checkpoint, limit: 50 });
        seen.push(...batch.events.filter(mine));
        checkpoint = batch.checkpoint;
        if (batch.events.length === 0) {
          if (!writing) return;
          await sleep(2);
        }
      }
    })();

    // 24 writers, each holding its transaction open for a random while after
    // appending (so sequence numbers commit out of order), some rolling back.
    const committed = new Set<string>();
    await Promise.all(
      Array.from({ length: 24 }, async (_, w) => {
        const streamId = `${run}-${w}`;
        let version = 0;
        for (let i = 0; i < 12; i++) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const result = await store.append(
              streamId,
              [{ type: 'Tick', data: { w, i } }],
              { expectedVersion: version, streamType: 'test' },
              client,
            );
            await sleep(Math.random() * 15);
            if (Math.random() < 0.2) {
              await client.query('ROLLBACK');
            } else {
              await client.query('COMMIT');
              version = result.version;
              committed.add(`${streamId}#${result.version}`);
            }
          } finally {
            client.release();
          }
        }
      }),
    );
    writing = false;
    await reader;
    // Keep reading until everything committed has shown up: a transaction
    // still open elsewhere in the cluster (another test file) holds the
    // visibility horizon back for a while, which delays events but must never
    // lose them. The deadline only bounds a failing run.
    const deadline = Date.now() + 20_000;
    while (seen.length < committed.size && Date.now() < deadline) {
      const batch = await store.readAll({ after: checkpoint, limit: 500 });
      seen.push(...batch.events.filter(mine));
      checkpoint = batch.checkpoint;
      if (batch.events.length === 0) await sleep(10);
    }

    const keys = seen.map((e) => `${e.streamId}#${e.version}`);
    expect(new Set(keys).size).toBe(keys.length); // never twice
    expect(new Set(keys)).toEqual(committed); // never skipped, nothing rolled back
    for (let i = 1; i < seen.length; i++) {
      expect(comparePositions(seen[i - 1]!.position, seen[i]!.position)).toBeLessThan(0);
    }
    // Within each stream, versions arrive in order.
    const last = new Map<string, number>();
    for (const e of seen) {
      expect(e.version).toBe((last.get(e.streamId) ?? 0) + 1);
      last.set(e.streamId, e.version);
    }
  });
});

describe('global read order', () => {
  it('orders positions as numbers, not as text, across a digit boundary', async () => {
    // In a database of its own, so the sequence can be placed just below 1000.
    const isolated = new pg.Pool({ connectionString: await isolatedDatabase(), max: 2 });
    try {
      const s = createEventStore(isolated, { schemas: EVENT_SCHEMAS });
      await isolated.query(`SELECT setval(pg_get_serial_sequence('events', 'global_position'), 997)`);
      // One transaction: one transaction id, positions 998…1003.
      await s.append(
        'digits-1',
        [1, 2, 3, 4, 5, 6].map((n) => ({ type: 'Tick', data: { n } })),
        {
          expectedVersion: 0,
          streamType: 'test',
        },
      );
      const seen: number[] = [];
      let after: string | undefined;
      for (;;) {
        const batch = await s.readAll({ after, limit: 2 });
        if (batch.events.length === 0) break;
        seen.push(...batch.events.map((e) => e.globalPosition));
        after = batch.checkpoint;
      }
      expect(seen).toEqual([998, 999, 1000, 1001, 1002, 1003]);
    } finally {
      await isolated.end();
    }
  });
});

describe("the projections' read", () => {
  it("returns readAll's events in readAll's order, each with exactly the fields of a ProjectionEvent", async () => {
    const { checkpoint: before } = await store.readAll({ after: '0:0', limit: 1 });
    const run = uniqueStreamId('lean');
    for (let i = 0; i < 12; i++) {
      await store.append(`${run}-${i % 3}`, [{ type: 'LeanTick', data: { n: i }, metadata: { commandId: run } }], {
        expectedVersion: 'any',
        streamType: 'tick',
      });
    }
    let full;
    for (const deadline = Date.now() + 10_000; ; await sleep(20)) {
      full = await store.readAll({ after: before, limit: 100_000 });
      if (full.events.filter((e) => e.streamId.startsWith(run)).length === 12 || Date.now() > deadline) break;
    }
    // Read second: other tests may have committed more since, which may only come after.
    const lean = await store.readAllForProjections({ after: before, limit: 100_000 });
    expect(full.events.filter((e) => e.streamId.startsWith(run))).toHaveLength(12);
    // Of the metadata and recording time, a projection's read keeps the correlation id and the time in ms.
    const fields = (e: RecordedEvent) => {
      const { metadata, hash, prevHash, recordedAt, ...rest } = e;
      void [hash, prevHash];
      const correlationId = metadata.correlationId;
      return { ...rest, recordedAtMs: recordedAt.getTime(), ...(correlationId ? { correlationId } : {}) };
    };
    expect(lean.events.slice(0, full.events.length)).toEqual(full.events.map(fields));
    expect(comparePositions(lean.checkpoint, full.checkpoint)).toBeGreaterThanOrEqual(0);
  });
});
