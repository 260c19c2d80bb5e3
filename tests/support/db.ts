import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { createEventStore } from '../../lib/event-store';
import { cloneTemplate } from './global-setup';

/** A pool on this run's test database, closed after the file's tests. */
export function testPool(max = 10) {
  const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max });
  // An idle client dropped by the server must not crash the test process.
  pool.on('error', () => {});
  afterAll(() => pool.end());
  return pool;
}

export function testStore(pool = testPool()) {
  return { pool, store: createEventStore(pool, { schemas: EVENT_SCHEMAS }) };
}

export const uniqueStreamId = (prefix = 'test') => `${prefix}-${randomUUID()}`;

export async function countEvents(pool: pg.Pool, streamId: string) {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE stream_id = $1', [streamId]);
  return Number(rows[0]!.n);
}

/**
 * A database of this test file's own, copied from the migrated and seeded
 * template: for tests that own whole tables (projections read models) and
 * must not see, or disturb, what other files running in parallel do.
 */
export async function isolatedDatabase(): Promise<string> {
  const name = `${inject('templateDatabase').replace(/_template$/, '')}_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  try {
    await cloneTemplate(admin, inject('templateDatabase'), name);
  } finally {
    await admin.end();
  }
  const url = new URL(inject('adminDatabaseUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}
