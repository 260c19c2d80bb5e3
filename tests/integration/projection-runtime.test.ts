import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createAppendNotifier, type EventStore, type RecordedEvent } from '../../lib/event-store';
import { applyBatch } from '../../lib/projections/batch';
import { ensureCheckpoint } from '../../lib/projections/checkpoint';
import { listProjectionStatus } from '../../lib/projections/status';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { compareWithFold, countingProjection, createCountingTables, TICK } from '../support/counting-projection';
import { testPool, testStore } from '../support/db';

const url = inject('databaseUrl');
const { pool, store } = testStore(testPool(20));
const newName = () => `rt_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const workers: ProjectionWorker[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  children.forEach((child) => child.kill('SIGKILL'));
  await Promise.all(workers.map((w) => w.stop()));
});

/** Appends `count` ticks spread over `streams` streams from `writers` concurrent writers. */
async function writeTicks(s: EventStore, prefix: string, streams: number, count: number, writers = 8) {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < count; i = next++) {
        const streamId = `${prefix}-${i % streams}`;
        await s.append(streamId, [{ type: TICK, data: { n: i } }], { expectedVersion: 'any', streamType: 'tick' });
      }
    }),
  );
}

async function waitUntilCaughtUp(name: string, prefix: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { projected, folded } = await compareWithFold(pool, name, prefix);
    if (JSON.stringify(projected) === JSON.stringify(folded) && folded.length > 0) return { projected, folded };
    if (Date.now() > deadline) return { projected, folded };
    await sleep(50);
  }
}

async function appliedCount(name: string) {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}_applied`);
  return rows[0]!.n;
}

async function tickCount(prefix: string) {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM events WHERE event_type = $1 AND stream_id LIKE $2`,
    [TICK, `${prefix}%`],
  );
  return rows[0]!.n;
}

describe('projection runtime', () => {
  it('applies every event once while two workers compete for the projection', async () => {
    const name = newName();
    await createCountingTables(pool, name);
    const prefix = `${name}-s`;
    for (let i = 0; i < 2; i++) {
      workers.push(
        startProjectionWorker({
          connectionString: url,
          projections: [countingProjection(name)],
          batchSize: 13,
          pollMs: 20,
          lockRetryMs: 50,
        }),
      );
    }
    // Four writers: with eight on ten streams, a loaded machine ran an append out of its ten retries.
    await writeTicks(store, prefix, 10, 400, 4);
    const { projected, folded } = await waitUntilCaughtUp(name, prefix);
    expect(projected).toEqual(folded);
    // Every tick in the whole database was applied exactly once (the _applied primary key refuses a second time).
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE event_type = $1`, [
      TICK,
    ]);
    expect(await appliedCount(name)).toBeLessThanOrEqual(rows[0]!.n);
    expect(await appliedCount(name)).toBeGreaterThanOrEqual(await tickCount(prefix));
    const owners = await pool.query(`SELECT owner FROM projection_checkpoints WHERE name = $1`, [name]);
    expect(owners.rows).toHaveLength(1);
  });

  it('changes nothing when the same batch is delivered twice', async () => {
    const name = newName();
    await createCountingTables(pool, name);
    const projection = countingProjection(name);
    await ensureCheckpoint(pool, projection);
    const prefix = `${name}-s`;
    await writeTicks(store, prefix, 3, 30, 1);
    // Read up to our 30th tick as one batch, the way the worker would. (Our
    // ticks become readable once transactions open elsewhere have ended.)
    const events: RecordedEvent[] = [];
    let checkpoint = '0:0';
    const mine = () => events.filter((e) => e.streamId.startsWith(prefix)).length;
    for (const deadline = Date.now() + 20_000; mine() < 30 && Date.now() < deadline;) {
      const batch = await store.readAll({ after: checkpoint, limit: 1000 });
      events.push(...batch.events);
      checkpoint = batch.checkpoint;
      if (batch.events.length === 0) await sleep(10);
    }
    expect(mine()).toBe(30);
    const batch = { from: '0:0', to: checkpoint, events: events.filter((e) => e.type === TICK) };
    expect(await applyBatch(pool, projection, batch)).not.toBeNull();
    const once = await compareWithFold(pool, name, prefix);
    expect(once.projected).toEqual(once.folded);

    expect(await applyBatch(pool, projection, batch)).toBeNull();
    const twice = await compareWithFold(pool, name, prefix);
    expect(twice.projected).toEqual(once.projected);
  });

  it('reads catch-up batches after a full batch, and only then', async () => {
    const name = newName();
    await createCountingTables(pool, name);
    const prefix = `${name}-s`;
    // One writer: racing writers on three streams can run out of retries on a busy machine.
    await writeTicks(store, prefix, 3, 60, 1);
    const sizes: number[] = [];
    const worker = startProjectionWorker({
      connectionString: url,
      projections: [countingProjection(name)],
      batchSize: 5,
      catchUpBatchSize: 40,
      pollMs: 20,
      onBatch: (_, result) => sizes.push(result.events.length),
    });
    workers.push(worker);
    const { projected, folded } = await waitUntilCaughtUp(name, prefix);
    expect(projected).toEqual(folded);
    // The log holds at least these 60 events: the first batch is full at the
    // live size, the next one reads the catch-up size, none reads more.
    expect(sizes[0]).toBe(5);
    expect(sizes[1]).toBe(40);
    expect(Math.max(...sizes)).toBe(40);
  });

  it("wakes on an append's NOTIFY, not at its next poll", async () => {
    const name = newName();
    await createCountingTables(pool, name);
    const prefix = `${name}-s`;
    await writeTicks(store, prefix, 1, 1, 1);
    // The next poll is a minute away: only the NOTIFY can wake it in time.
    const worker = startProjectionWorker({
      connectionString: url,
      projections: [countingProjection(name)],
      pollMs: 60_000,
    });
    workers.push(worker);
    expect((await waitUntilCaughtUp(name, prefix)).folded).toHaveLength(1);
    await sleep(300); // idle, listening
    const notifyAppend = createAppendNotifier(pool); // what the app calls after each append
    await writeTicks(store, prefix, 1, 1, 1);
    notifyAppend();
    const { projected, folded } = await waitUntilCaughtUp(name, prefix, 10_000);
    expect(folded.length).toBeGreaterThan(0);
    expect(projected).toEqual(folded);
  });

  it('stops on a throwing handler, shows the error, never skips the event, and resumes after the fix', async () => {
    const name = newName();
    await createCountingTables(pool, name);
    const prefix = `${name}-s`;
    let poisoned = true;
    const worker = startProjectionWorker({
      connectionString: url,
      projections: [
        countingProjection(name, {
          poison: () => (poisoned ? (e) => e.streamId === `${prefix}-0` && e.data.n === 5 : null),
        }),
      ],
      batchSize: 1,
      pollMs: 20,
      maxBackoffMs: 100,
    });
    workers.push(worker);
    await writeTicks(store, prefix, 1, 10, 1);

    let status;
    // Five failures with backoff: about a second, more on a busy machine.
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(25)) {
      status = (await listProjectionStatus(pool)).find((s) => s.name === name);
      if (status?.status === 'stalled') break;
    }
    expect(status).toMatchObject({ status: 'stalled', lastError: expect.stringContaining('cannot apply tick 5') });
    expect(status!.lagEvents).toBeGreaterThan(0);
    // Ticks 0..4 are in; tick 5 and everything after it wait.
    const stuck = await compareWithFold(pool, name, prefix);
    expect(stuck.projected).toEqual([{ stream_id: `${prefix}-0`, ticks: 5, last_version: 5 }]);

    poisoned = false; // the fix is deployed
    const { projected, folded } = await waitUntilCaughtUp(name, prefix);
    expect(projected).toEqual(folded);
    expect(projected[0]!.ticks).toBe(10);
    status = (await listProjectionStatus(pool)).find((s) => s.name === name);
    expect(status).toMatchObject({ status: 'running', lastError: null, failedAttempts: 0 });
  });

  it('loses and doubles nothing when the worker holding the projection is SIGKILLed mid-run; a standby takes over', async () => {
    const name = newName();
    await createCountingTables(pool, name);
    const prefix = `${name}-s`;
    const startChild = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/projector-child.ts', url, name], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      return child;
    };
    const a = startChild();
    const b = startChild();

    const writing = writeTicks(store, prefix, 20, 1500, 6);
    // Kill whichever child holds the projection, twice, at random moments.
    for (let kill = 0; kill < 2; kill++) {
      await sleep(300 + Math.random() * 500);
      const { rows } = await pool.query<{ owner: string | null }>(
        `SELECT owner FROM projection_checkpoints WHERE name = $1`,
        [name],
      );
      const owner = rows[0]?.owner;
      const victim = [a, b].find((c) => owner === `child-${c.pid}` && c.exitCode === null && c.signalCode === null);
      (victim ?? a).kill('SIGKILL');
      const replacement = startChild();
      expect(replacement.pid).toBeGreaterThan(0);
    }
    await writing;
    const { projected, folded } = await waitUntilCaughtUp(name, prefix, 60_000);
    expect(projected).toEqual(folded);
    expect(folded.reduce((sum, row) => sum + row.ticks, 0)).toBe(1500);
  }, 120_000);
});
