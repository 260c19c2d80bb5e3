import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { adjustOrderPrice, cancelOrder, placeOrder, shipOrder } from '../../lib/commands';
import { seedCustomers } from '../../lib/db/seed';
import { comparePositions, createEventStore } from '../../lib/event-store';
import { PROJECTIONS } from '../../lib/read-models';
import { listOperations } from '../../lib/projections/operations';
import { buildRebuildIndexes, requestRebuild, swapInRebuild } from '../../lib/projections/rebuild';
import { processNextBatch } from '../../lib/projections/batch';
import { orderSummariesV1 } from '../../lib/read-models/order-summaries/projection';
import { listProjectionStatus } from '../../lib/projections/status';
import { startProjectionWorker } from '../../lib/projections/worker';
import { isolatedDatabase } from '../support/db';

const url = await isolatedDatabase();
const pool = new pg.Pool({ connectionString: url, max: 10 });
afterAll(() => pool.end());
const services = { store: createEventStore(pool, { schemas: EVENT_SCHEMAS }), pool };
const customers = seedCustomers().slice(0, 6);
const address = { name: 'Linus', line1: '1 Kernel Rd', city: 'Helsinki', postalCode: '00100', country: 'FI' };

async function waitPast(position: string) {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(25)) {
    const status = await listProjectionStatus(pool);
    const ours = status.filter((s) => PROJECTIONS.some((p) => p.name === s.name && p.version === s.version));
    if (ours.length === PROJECTIONS.length && ours.every((s) => comparePositions(s.position, position) >= 0)) return;
  }
  throw new Error(`projections did not pass ${position}`);
}

/** Every index of the tables, by name, as the migrations made them: what `prisma migrate` compares. */
async function indexes(schema: string, tables: readonly string[]) {
  const { rows } = await pool.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, replace(indexdef, ' ON ' || schemaname || '.', ' ON ') AS indexdef FROM pg_indexes
      WHERE schemaname = $1 AND tablename = ANY($2::text[]) ORDER BY indexname`,
    [schema, [...tables]],
  );
  return rows;
}

/** Every row of every projection table, in a stable order. */
async function snapshot() {
  const tables: Record<string, unknown[]> = {};
  for (const table of PROJECTIONS.flatMap((p) => p.tables)) {
    const { rows } = await pool.query(`SELECT * FROM ${pg.escapeIdentifier(table)} ORDER BY 1`);
    tables[table] = rows;
  }
  return tables;
}

describe('rebuild', () => {
  it('produces from zero exactly the rows the live projection built', async () => {
    const worker = startProjectionWorker({
      connectionString: url,
      projections: PROJECTIONS,
      pollMs: 20,
      batchSize: 50,
    });
    let last = '0:0';
    try {
      // Live: commands arrive while the worker projects them batch by batch.
      for (let i = 0; i < 40; i++) {
        const customer = customers[i % customers.length]!;
        const placed = await placeOrder(services, {
          customerId: customer.id,
          items: [{ sku: `SKU-${String((i % 60) + 1).padStart(4, '0')}`, quantity: 1 + (i % 4) }],
          shippingAddress: address,
        });
        last = placed.position;
        if (i % 3 === 0)
          last = (await adjustOrderPrice(services, placed.orderId, { amountDelta: -50, reason: 'coupon' })).position;
        if (i % 4 === 0)
          last = (
            await cancelOrder(services, placed.orderId, { reasonCode: 'customer_request', reason: 'changed mind' })
          ).position;
        else if (i % 5 === 0) last = (await shipOrder(services, placed.orderId)).position;
      }
      await waitPast(last);
      const live = await snapshot();
      const liveIndexes = await indexes(
        'public',
        PROJECTIONS.flatMap((p) => p.tables),
      );
      expect(liveIndexes.length).toBeGreaterThan(10);
      expect((live['order_summaries_v1'] ?? []).length).toBe(40);

      // Rebuild every projection from the events while the worker keeps running
      // and the tables keep serving: they never lose a row on the way.
      const actor = { id: 'test', name: 'test' };
      for (const projection of PROJECTIONS) await requestRebuild(services, projection, { reason: 'test' }, actor);
      const rebuilt = async () =>
        (await listOperations(services.store)).filter((o) => o.type === 'ProjectionRebuilt').length;
      for (const deadline = Date.now() + 30_000; (await rebuilt()) < PROJECTIONS.length; await sleep(10)) {
        if (Date.now() > deadline) throw new Error('the rebuilds did not take over');
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM order_summaries_v1');
        expect(rows[0]!.n).toBe(40);
      }
      await waitPast(last);
      expect(await snapshot()).toEqual(live);
      // The copies built their secondary indexes before taking over: the same names and definitions.
      expect(
        await indexes(
          'public',
          PROJECTIONS.flatMap((p) => p.tables),
        ),
      ).toEqual(liveIndexes);
      // The copies took the place of the tables: no rebuild schema is left.
      const { rows: schemas } = await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'll_rebuild_%'`);
      expect(schemas).toEqual([]);
    } finally {
      await worker.stop();
    }
  });

  it('fills the copies with their keys only and refuses the swap until their other indexes are built', async () => {
    const projection = orderSummariesV1;
    const actor = { id: 'test', name: 'test' };
    const schema = `ll_rebuild_${projection.name}_v${projection.version}`;
    const originals = await indexes('public', projection.tables);
    expect(originals.map((i) => i.indexname)).toContain('order_summaries_v1_status_placed_at_order_id_idx');
    await requestRebuild(services, projection, { reason: 'test' }, actor);
    // Only the primary keys during the replay.
    expect((await indexes(schema, projection.tables)).map((i) => i.indexname).sort()).toEqual([
      'order_summaries_v1_pkey',
      'order_summary_counts_v1_pkey',
    ]);
    const reader = { readAll: services.store.readAllForProjections };
    while (await processNextBatch(pool, reader, projection, 1000, { slot: 'rebuild' }));
    // Caught up, but without the originals' indexes: no swap.
    expect(await swapInRebuild(services, projection)).toBe(false);
    const { rows } = await pool.query(`SELECT slot FROM projection_checkpoints WHERE name = $1 AND version = $2`, [
      projection.name,
      projection.version,
    ]);
    expect(rows.map((r: { slot: string }) => r.slot).sort()).toEqual(['main', 'rebuild']);
    // Everything but the two primary keys.
    expect(await buildRebuildIndexes(services, projection)).toBe(originals.length - 2);
    expect(await indexes(schema, projection.tables)).toEqual(originals);
    expect(await buildRebuildIndexes(services, projection)).toBe(0);
    expect(await swapInRebuild(services, projection)).toBe(true);
    expect(await indexes('public', projection.tables)).toEqual(originals);
  });
});
