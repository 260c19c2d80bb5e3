import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { adjustOrderPrice, cancelOrder, placeOrder, shipOrder } from '../../lib/commands';
import { seedCustomers } from '../../lib/db/seed';
import { comparePositions, createEventStore } from '../../lib/event-store';
import { PROJECTIONS } from '../../lib/read-models';
import { listOperations } from '../../lib/projections/operations';
import { requestRebuild } from '../../lib/projections/rebuild';
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
      // The copies took the place of the tables: no rebuild schema is left.
      const { rows: schemas } = await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'll_rebuild_%'`);
      expect(schemas).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});
