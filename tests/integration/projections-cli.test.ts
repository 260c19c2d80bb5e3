import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECTIONS } from '../../lib/read-models';
import { ensureCheckpoint } from '../../lib/projections/checkpoint';
import { isolatedDatabase } from '../support/db';

// `npm run projections` drives the same use cases as the API; here it runs as
// a deploy script would, against a database of this file's own.
const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const databaseUrl = await isolatedDatabase();

beforeAll(async () => {
  // The checkpoint rows a worker creates when it starts.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  for (const projection of PROJECTIONS) await ensureCheckpoint(pool, projection);
  await pool.end();
});

async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/projections.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LEDGERLINE_ACTOR: 'deploy-bot' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('npm run projections', () => {
  it('refuses an impossible action with its code and exit status, changing nothing', async () => {
    const refused = await cli('skip', 'order_summaries', '1', '1:1', 'no', 'reason');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('RULE_VIOLATION NOT_FAILING') });
  }, 30_000);

  it('lists the projections', async () => {
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('order_summaries v1');
  }, 30_000);

  // (Refusals are the API's, tested there: tests/api/projection-versions.test.ts.)
  it('rebuilds, compares, switches, rolls back and retires as the API does, recording the actor', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      // No worker runs here: v2 counts as caught up by hand, as the worker would mark it.
      await pool.query(`UPDATE projection_checkpoints SET caught_up_at = now() WHERE name = 'order_metrics'`);
      expect(await cli('rebuild', 'order_metrics', '--reason', 'a fix')).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('Rebuilding order_metrics v1'),
      });
      const compared = await cli('compare', 'order_metrics', '1', '2');
      expect(compared).toMatchObject({ code: 0, stdout: expect.stringContaining('PASSED') });
      expect(await cli('switch', 'order_metrics', '2', '--reason', 'by reason')).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('order_metrics v2 serves now'),
      });
      expect((await cli('rollback', 'order_metrics', 'back', 'again')).stdout).toContain('v1 serves again');
      await pool.query(`UPDATE projection_serving SET switched_at = now() - interval '1 minute'`);
      expect((await cli('retire', 'order_metrics', '2', 'not needed')).code).toBe(0);
      const { rows } = await pool.query<{ type: string; actor: string }>(
        `SELECT event_type AS type, metadata->'actor'->>'name' AS actor FROM events
          WHERE stream_id = 'operations-projections' ORDER BY stream_version`,
      );
      expect(rows.map((r) => r.type)).toEqual([
        'ProjectionRebuildRequested',
        'ProjectionsCompared',
        'ProjectionsCompared',
        'ProjectionSwitched',
        'ProjectionRolledBack',
        'ProjectionRetired',
      ]);
      expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['deploy-bot (command line)']));
    } finally {
      await pool.end();
    }
  }, 120_000);
});
