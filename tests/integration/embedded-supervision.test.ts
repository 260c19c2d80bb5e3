import { rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../lib/db/embedded';
import { livePostmaster, readPostmasterPid } from '../../lib/db/postmaster';

// A server of this file's own (the shared test server must not die under the
// other files), killed the hard way while a backend is busy in a query: that
// backend outlives its postmaster and, left alone, keeps PostgreSQL from starting.
const dataDir = path.resolve('.data/test-supervise', randomUUID().slice(0, 8), 'pg');
let db: EmbeddedDatabase | undefined;
afterAll(async () => {
  await db?.stop();
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

describe('embedded PostgreSQL supervision', () => {
  it(
    'restarts a SIGKILLed postmaster by itself, with every committed row still there',
    { timeout: 90_000 },
    async () => {
      const notices: string[] = [];
      db = await startEmbeddedPostgres({ dataDir, database: 'supervised', notice: (line) => notices.push(line) });
      const pool = new pg.Pool({ connectionString: db.url, max: 4 });
      pool.on('error', () => {});
      await pool.query('CREATE TABLE acked (n int PRIMARY KEY)');
      for (let n = 0; n < 50; n++) await pool.query('INSERT INTO acked VALUES ($1)', [n]);
      const busy = new pg.Client({ connectionString: db.url });
      busy.on('error', () => {});
      await busy.connect();
      void busy.query('SELECT count(*) FROM generate_series(1, 10000000000)').catch(() => {});
      await sleep(200);

      const before = readPostmasterPid(dataDir)!;
      process.kill(before.pid, 'SIGKILL');
      const killedAt = Date.now();
      // Idle backends may answer for a moment after their postmaster died: wait for the death first.
      while (livePostmaster(dataDir)?.pid === before.pid) await sleep(10);
      let back = false;
      while (!back && Date.now() - killedAt < 30_000) {
        back = await pool.query('SELECT 1').then(
          () => true,
          () => false,
        );
        if (!back) await sleep(100);
      }
      const recoveryMs = Date.now() - killedAt;
      expect(back).toBe(true);
      expect(recoveryMs).toBeLessThan(15_000);
      const now = livePostmaster(dataDir)!;
      expect(now.pid).not.toBe(before.pid);
      expect(now.port).toBe(before.port);
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM acked');
      expect(rows[0]!.n).toBe(50);
      expect(notices.some((line) => /restart attempt 1 in 500 ms/.test(line))).toBe(true);
      expect(notices.some((line) => /leftover backend/.test(line))).toBe(true);
      console.log(`postmaster SIGKILL → queries answer again after ${recoveryMs} ms`);
      await pool.end();
      await busy.end().catch(() => {});

      await db.stop();
      expect(livePostmaster(dataDir)).toBeNull();
    },
  );
});
