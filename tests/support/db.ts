import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { createEventStore } from '../../lib/event-store';

/** A pool on this run's test database, closed after the file's tests. */
export function testPool(max = 10) {
  const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max });
  afterAll(() => pool.end());
  return pool;
}

export function testStore(pool = testPool()) {
  return { pool, store: createEventStore(pool) };
}

export const uniqueStreamId = (prefix = 'test') => `${prefix}-${randomUUID()}`;

export async function countEvents(pool: pg.Pool, streamId: string) {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE stream_id = $1', [streamId]);
  return Number(rows[0]!.n);
}
