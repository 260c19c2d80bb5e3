import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../../lib/errors';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { createEventStore } from '../../lib/event-store';
import { compareVersions } from '../../lib/projections/compare';
import { retireVersion, rollBack, switchVersion } from '../../lib/projections/lifecycle';
import { listOperations } from '../../lib/projections/operations';
import { requestRebuild } from '../../lib/projections/rebuild';
import { servingVersion } from '../../lib/projections/serving';
import { listProjections } from '../../lib/projections/status';
import type { Projection } from '../../lib/projections/types';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { compareWithFold, countingVersion, createCountingTables, TICK } from '../support/counting-projection';
import { isolatedDatabase } from '../support/db';

// The versions' lifecycle on test projections of their own (counting ticks,
// tables per version): build beside the serving one, compare at one
// position, switch, roll back, retire; a planted difference; a rebuild that
// survives SIGKILL. The real read models go through the same code (see
// tests/api/projection-versions.test.ts for the API over them).

const url = await isolatedDatabase();
const pool = new pg.Pool({ connectionString: url, max: 10 });
const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
const services = { pool, store };
const actor = { id: 'test-operator', name: 'Test Operator' };
const workers: ProjectionWorker[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  children.forEach((child) => child.kill('SIGKILL'));
  await Promise.all(workers.map((w) => w.stop()));
  await pool.end();
});

/** Versions 1 and 2 of a counting projection `name`, their tables, and v1 serving. */
async function twoVersions(name: string): Promise<[Projection, Projection]> {
  const versions = [countingVersion(name, 1), countingVersion(name, 2)] as [Projection, Projection];
  for (const v of versions) await createCountingTables(pool, `${name}_v${v.version}`);
  await pool.query('INSERT INTO projection_serving (name, version) VALUES ($1, 1)', [name]);
  return versions;
}

async function writeTicks(prefix: string, count: number) {
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => ({ type: TICK, data: { n: i + j } }));
    await store.append(`${prefix}-${i % 7}`, batch, { expectedVersion: 'any', streamType: 'tick' });
  }
}

async function versionsOf(name: string, registered: Projection[]) {
  return (await listProjections(pool, registered)).find((p) => p.name === name)?.versions ?? [];
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
  }
}

/** The rule of the AppError `run` throws. */
async function refusal(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const caughtUp = (name: string, registered: Projection[]) => async () => {
  const versions = await versionsOf(name, registered);
  return versions.length === 2 && versions.every((v) => v.caughtUpAt !== null && v.lagEvents === 0);
};

describe('projection versions', () => {
  it('builds a new version beside the serving one, compares them at one position, switches, rolls back and retires', async () => {
    const name = 'vt_life';
    const [v1, v2] = await twoVersions(name);
    const lookup = (version: number) => [v1, v2].find((p) => p.version === version);
    await writeTicks(`${name}-s`, 400);
    workers.push(startProjectionWorker({ connectionString: url, projections: [v1, v2], pollMs: 20, batchSize: 40 }));
    await until('both versions caught up', caughtUp(name, [v1, v2]));
    expect((await versionsOf(name, [v1, v2])).map((v) => [v.version, v.state])).toEqual([
      [1, 'serving'],
      [2, 'ready'],
    ]);

    const report = await compareVersions(services, v1, v2, actor);
    expect(report).toMatchObject({ name, a: 1, b: 2, passed: true, notCompared: [] });
    expect(report.views).toEqual([
      expect.objectContaining({
        view: 'counts',
        compared: ['ticks', 'last_version'],
        onlyInA: 0,
        onlyInB: 0,
        differing: 0,
      }),
    ]);

    const switched = await switchVersion(services, v2, lookup, {}, actor);
    expect(switched.serving).toEqual({ name, version: 2, previousVersion: 1 });
    expect(switched.comparison?.passed).toBe(true);
    expect(await servingVersion(pool, name)).toBe(2);
    expect((await versionsOf(name, [v1, v2])).map((v) => v.state)).toEqual(['previous', 'serving']);
    expect((await refusal(() => switchVersion(services, v2, lookup, {}, actor))).details.rule).toBe('ALREADY_SERVING');

    // The previous version is kept up to date, so the rollback is instant and loses nothing.
    await writeTicks(`${name}-s`, 60);
    const back = await rollBack(services, name, lookup, { reason: 'numbers look off' }, actor);
    expect(back.serving).toEqual({ name, version: 1, previousVersion: 2 });
    await until('v1 caught up again', caughtUp(name, [v1, v2]));
    const { projected, folded } = await compareWithFold(pool, `${name}_v1`, `${name}-s`);
    expect(projected).toEqual(folded);

    expect((await refusal(() => retireVersion(services, v1, {}, actor))).details.rule).toBe('VERSION_SERVING');
    expect((await refusal(() => retireVersion(services, v2, {}, actor))).details.rule).toBe('RECENTLY_SERVING');
    await pool.query(`UPDATE projection_serving SET switched_at = now() - interval '1 minute' WHERE name = $1`, [name]);
    await retireVersion(services, v2, { reason: 'v1 stays' }, actor);
    const { rows: left } = await pool.query(`SELECT to_regclass($1) AS t`, [`${name}_v2_counts`]);
    expect(left[0].t).toBeNull();
    expect((await versionsOf(name, [v1, v2])).map((v) => v.state)).toEqual(['serving', 'retired']);
    expect((await refusal(() => rollBack(services, name, lookup, { reason: 'x' }, actor))).details.rule).toBe(
      'NOTHING_TO_ROLL_BACK',
    );
    expect((await refusal(() => switchVersion(services, v2, lookup, {}, actor))).details.rule).toBe('VERSION_RETIRED');
    expect((await refusal(() => requestRebuild(services, v2, {}, actor))).details.rule).toBe('VERSION_RETIRED');
    expect((await refusal(() => retireVersion(services, v2, {}, actor))).details.rule).toBe('ALREADY_RETIRED');

    // The retired version's loop idles without an error while events go on arriving.
    await writeTicks(`${name}-s`, 30);
    await sleep(300);
    const retired = (await versionsOf(name, [v1, v2])).find((v) => v.version === 2)!;
    expect(retired).toMatchObject({ state: 'retired', status: 'retired', lastError: null });

    const operations = (await listOperations(store)).filter((o) => o.data.projection === name);
    expect(operations.map((o) => o.type).reverse()).toEqual([
      'ProjectionsCompared',
      'ProjectionsCompared',
      'ProjectionSwitched',
      'ProjectionRolledBack',
      'ProjectionRetired',
    ]);
    expect(operations.every((o) => o.actor?.name === 'Test Operator')).toBe(true);
    const { rows: kept } = await pool.query('SELECT passed FROM projection_comparisons WHERE name = $1', [name]);
    expect(kept).toEqual([{ passed: true }, { passed: true }]);
  }, 60_000);

  it('catches a planted difference, refuses the switch with the report, and switches on an override with a reason', async () => {
    const name = 'vt_diff';
    const [v1, v2] = await twoVersions(name);
    const lookup = (version: number) => [v1, v2].find((p) => p.version === version);
    await writeTicks(`${name}-s`, 200);
    workers.push(startProjectionWorker({ connectionString: url, projections: [v1, v2], pollMs: 20 }));
    await until('both versions caught up', caughtUp(name, [v1, v2]));

    const table = `${name}_v2_counts`;
    await pool.query(`UPDATE ${table} SET ticks = ticks + 1 WHERE stream_id = $1`, [`${name}-s-0`]);
    await pool.query(`DELETE FROM ${table} WHERE stream_id = $1`, [`${name}-s-1`]);
    await pool.query(`INSERT INTO ${table} VALUES ('planted', 1, 1)`);

    const report = await compareVersions(services, v1, v2, actor);
    expect(report.passed).toBe(false);
    const [view] = report.views;
    expect(view).toMatchObject({ onlyInA: 1, onlyInB: 1, differing: 1 });
    expect(view!.samples.onlyInA).toEqual([expect.objectContaining({ stream_id: `${name}-s-1` })]);
    expect(view!.samples.onlyInB).toEqual([{ stream_id: 'planted', ticks: 1, last_version: 1 }]);
    expect(view!.samples.differing).toEqual([
      { key: { stream_id: `${name}-s-0` }, a: expect.any(Object), b: expect.any(Object) },
    ]);
    const d = view!.samples.differing[0]!;
    expect(Number(d.b.ticks)).toBe(Number(d.a.ticks) + 1);

    const refused = await refusal(() => switchVersion(services, v2, lookup, {}, actor));
    expect(refused.details.rule).toBe('COMPARISON_FAILED');
    expect((refused.details.comparison as { passed: boolean }).passed).toBe(false);
    expect(await servingVersion(pool, name)).toBe(1);
    expect((await refusal(() => switchVersion(services, v2, lookup, { override: true }, actor))).code).toBe(
      'VALIDATION',
    );
    const forced = await switchVersion(services, v2, lookup, { override: true, reason: 'v2 fixes stream 0' }, actor);
    expect(forced.serving.version).toBe(2);
    const [last] = await listOperations(store);
    expect(last).toMatchObject({
      type: 'ProjectionSwitched',
      data: { projection: name, from: 1, to: 2, override: true, reason: 'v2 fixes stream 0', comparisonId: null },
    });
  }, 60_000);

  it('never lets a stalled serving version block a switch to a healthy one', async () => {
    const name = 'vt_stall';
    let poisoned = false;
    const v1 = countingVersion(name, 1, { poison: () => (poisoned ? (e) => e.streamId === `${name}-poison` : null) });
    const v2 = countingVersion(name, 2);
    for (const v of [v1, v2]) await createCountingTables(pool, `${name}_v${v.version}`);
    await pool.query('INSERT INTO projection_serving (name, version) VALUES ($1, 1)', [name]);
    const lookup = (version: number) => [v1, v2].find((p) => p.version === version);
    await writeTicks(`${name}-s`, 100);
    workers.push(
      startProjectionWorker({ connectionString: url, projections: [v1, v2], pollMs: 20, maxBackoffMs: 200 }),
    );
    await until('both versions caught up', caughtUp(name, [v1, v2]));

    poisoned = true;
    await store.append(`${name}-poison`, [{ type: TICK, data: { n: -1 } }], {
      expectedVersion: 'any',
      streamType: 'tick',
    });
    await until('v1 stalls on the poison event while v2 goes past it', async () => {
      const [a, b] = await versionsOf(name, [v1, v2]);
      return a?.failingEvent?.streamId === `${name}-poison` && b?.lagEvents === 0;
    });
    const refused = await refusal(() => switchVersion(services, v2, lookup, {}, actor));
    expect(refused.details.rule).toBe('COMPARISON_UNAVAILABLE');
    const { serving } = await switchVersion(services, v2, lookup, { override: true, reason: 'v1 is stalled' }, actor);
    expect(serving.version).toBe(2);
    // And the way back is refused while v1 would take readers back in time.
    expect((await refusal(() => rollBack(services, name, lookup, { reason: 'x' }, actor))).details.rule).toBe(
      'VERSION_BEHIND',
    );
  }, 60_000);

  it('resumes a rebuild from its own checkpoint after the worker is SIGKILLed, and takes over without reads going empty', async () => {
    const name = 'vt_kill';
    const [v1] = await twoVersions(name);
    const prefix = `${name}-s`;
    await writeTicks(prefix, 3000);
    const startChild = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/projector-child.ts', url, name, 'v1'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, CATCH_UP_BATCH_SIZE: '40' },
      });
      children.push(child);
      return child;
    };
    const first = startChild();
    await until('v1 caught up', async () => (await versionsOf(name, [v1]))[0]?.caughtUpAt != null);
    const served = (await compareWithFold(pool, `${name}_v1`, prefix)).projected;

    await requestRebuild(services, v1, { reason: 'handler fixed' }, actor);
    const rebuildAt = async () => (await versionsOf(name, [v1]))[0]!.rebuild;
    await until('the rebuild has applied some events', async () => ((await rebuildAt())?.progress ?? 0) > 0.1, 30_000);
    first.kill('SIGKILL');
    await until('the child is gone', async () => first.exitCode !== null || first.signalCode !== null);
    const killedAt = (await rebuildAt())!;
    expect(killedAt.progress).toBeLessThan(1);
    // While nobody rebuilds, the serving tables still hold every row.
    expect((await compareWithFold(pool, `${name}_v1`, prefix)).projected).toEqual(served);

    startChild();
    let lowest = killedAt.progress;
    await until('the rebuild took over', async () => {
      const rebuild = await rebuildAt();
      if (rebuild) lowest = Math.min(lowest, rebuild.progress);
      const { projected } = await compareWithFold(pool, `${name}_v1`, prefix);
      expect(projected.length).toBe(served.length); // never an empty or shrinking table
      return rebuild === null;
    });
    // It went on from where it stood, not from zero.
    expect(lowest).toBeGreaterThanOrEqual(killedAt.progress);
    const { projected, folded } = await compareWithFold(pool, `${name}_v1`, prefix);
    expect(projected).toEqual(folded);
    const rebuilt = (await listOperations(store)).find(
      (o) => o.type === 'ProjectionRebuilt' && o.data.projection === name,
    );
    expect(rebuilt).toMatchObject({ actor: { id: 'system' }, data: { version: 1 } });
    // Every tick of the log applied once in the rebuilt tables (their primary key refuses a second time).
    const { rows } = await pool.query(
      `SELECT (SELECT count(*)::int FROM ${name}_v1_applied) AS applied,
              (SELECT count(*)::int FROM events WHERE event_type = $1) AS ticks`,
      [TICK],
    );
    expect(rows[0].applied).toBe(rows[0].ticks);
  }, 90_000);
});
