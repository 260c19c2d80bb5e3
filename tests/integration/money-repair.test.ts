import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from '../../lib/event-store';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { isolatedDatabase } from '../support/db';

// The migration that brought the money bounds rebuilds the v1 read models of
// a database whose log holds amounts the domain now refuses, and leaves every
// other database alone. Its repair block is run here again on a database of
// this file's own, once without and once with such an event.
const MIGRATION = path.resolve(
  import.meta.dirname,
  '../../prisma/migrations/20261201232537_projection_dead_letters/migration.sql',
);
const repair = readFileSync(MIGRATION, 'utf8').slice(readFileSync(MIGRATION, 'utf8').indexOf('DO $$'));

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await isolatedDatabase(), max: 2 });
});
afterAll(() => pool.end());

async function damagedReadModel() {
  await pool.query(
    `INSERT INTO projection_checkpoints (name, version, transaction_id, global_position, events_processed)
     VALUES ('order_summaries', 1, 5, 7, 3), ('customer_stats', 1, 5, 7, 3), ('order_metrics', 1, 5, 7, 3)
     ON CONFLICT (name, version, slot) DO UPDATE SET transaction_id = 5, global_position = 7, events_processed = 3`,
  );
  await pool.query(
    `INSERT INTO order_status_counts_v1 (status, orders) VALUES ('placed', 1)
     ON CONFLICT (status) DO UPDATE SET orders = 1`,
  );
}

const state = async () => {
  const { rows } = await pool.query<{ name: string; global_position: string }>(
    `SELECT name, global_position::text FROM projection_checkpoints WHERE version = 1 ORDER BY name`,
  );
  const counts = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM order_status_counts_v1');
  return { checkpoints: rows.map((r) => r.global_position), statusRows: Number(counts.rows[0]!.n) };
};

describe('the repair of read models built from out-of-bounds amounts', () => {
  it('leaves a database whose amounts are all in bounds alone', async () => {
    await damagedReadModel();
    await pool.query(repair);
    expect(await state()).toEqual({ checkpoints: ['7', '7', '7'], statusRows: 1 });
  });

  it('sends the v1 projections back to the start, emptied, when one event holds such an amount', async () => {
    await createEventStore(pool, { schemas: EVENT_SCHEMAS }).append(
      'order-repair-probe',
      [{ type: 'OrderPlaced', data: { orderId: 'repair-probe', total: 2 ** 53 + 2 } }],
      { expectedVersion: 0, streamType: 'order' },
    );
    await damagedReadModel();
    await pool.query(repair);
    expect(await state()).toEqual({ checkpoints: ['0', '0', '0'], statusRows: 0 });
  });
});
