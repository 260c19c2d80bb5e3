import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCountingTables, TICK } from '../support/counting-projection';
import { testPool, testStore } from '../support/db';

// A graceful stop of a worker whose projection is stuck must still be quick:
// measured from SIGTERM to the exit of a real worker process.
const url = inject('databaseUrl');
const { pool, store } = testStore(testPool(4));
const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

async function poisonedWorker() {
  const name = `sd_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await createCountingTables(pool, name);
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/projector-child.ts', url, name, 'poison'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await store.append(`${name}-s`, [{ type: TICK, data: { n: 0 } }], { expectedVersion: 'any', streamType: 'tick' });
  return { name, child };
}

/** ms from SIGTERM to exit; a child still alive after `limitMs` is killed and counts as never. */
async function timeToExit(child: ChildProcess, limitMs: number) {
  const started = Date.now();
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const result = await Promise.race([exited.then(() => Date.now() - started), sleep(limitMs, Infinity)]);
  if (result === Infinity) child.kill('SIGKILL');
  return result;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(25)) if (await check()) return true;
  return false;
}

describe('worker shutdown', () => {
  it('stops at once while a projection waits out a retry backoff', { timeout: 30_000 }, async () => {
    const { name, child } = await poisonedWorker();
    // After 6 failures the backoff is 3.2 s (then 6.4, 12.8 …, up to 30 s).
    const stalled = await waitFor(async () => {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT failed_attempts AS n FROM projection_checkpoints WHERE name = $1',
        [name],
      );
      return (rows[0]?.n ?? 0) >= 6;
    }, 15_000);
    expect(stalled).toBe(true);
    const ms = await timeToExit(child, 10_000);
    console.log(`worker with a projection in backoff: exit ${ms} ms after SIGTERM`);
    expect(ms).toBeLessThan(1_500);
  });

  it(
    'stops within its bound while a batch waits on a lock, and that batch writes nothing',
    { timeout: 30_000 },
    async () => {
      const name = `sd_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      await createCountingTables(pool, name);
      // Someone else holds the projection's table: its next batch waits in the database.
      const holder = await pool.connect();
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${name}_applied IN ACCESS EXCLUSIVE MODE`);
      try {
        const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/projector-child.ts', url, name], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        children.push(child);
        await store.append(`${name}-s`, [{ type: TICK, data: { n: 0 } }], {
          expectedVersion: 'any',
          streamType: 'tick',
        });
        const waiting = await waitFor(async () => {
          const { rows } = await pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
            [`INSERT INTO ${name}_applied%`],
          );
          return rows.length > 0;
        }, 10_000);
        expect(waiting).toBe(true);
        const ms = await timeToExit(child, 12_000);
        console.log(`worker with a batch waiting on a lock: exit ${ms} ms after SIGTERM`);
        // The worker's stop limit (5 s) and a little for the process to end.
        expect(ms).toBeLessThan(6_500);
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      // The abandoned batch gets its lock now, finds its client gone and rolls back.
      await sleep(300);
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}_applied`);
      expect(rows[0]!.n).toBe(0);
    },
  );
});
