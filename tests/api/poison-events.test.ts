import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, call, expectError, expectValidation, pool, type Handler } from './helpers';
import { waitForProjections } from './helpers';
import { GET as customersRoute } from '../../app/api/customers/route';
import { GET as operationsRoute } from '../../app/api/operations/route';
import { POST as placeRoute } from '../../app/api/orders/route';
import { GET as projectionsRoute } from '../../app/api/projections/route';
import { POST as retryRoute } from '../../app/api/projections/[name]/versions/[version]/retry/route';
import { POST as skipRoute } from '../../app/api/projections/[name]/versions/[version]/skip/route';
import type { Role } from '../../lib/auth/permissions';
import { PROJECTIONS, READ_MODELS } from '../../lib/read-models';
import { OPERATIONS_STREAM_ID } from '../../lib/projections/operations-log';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { getServices } from '../../lib/server/services';
import { isolatedDatabase } from '../support/db';

// A poison event: order_summaries cannot apply an OrderShipped for an order
// that was never placed (its row does not exist), while the other projections
// take it in their stride. The operator sees the event, retries, and skips it
// with a reason; every action is in the operations log. A database of its own.
const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;

type Status = {
  name: string;
  status: string;
  lastError: string | null;
  failedAttempts: number;
  lagEvents: number;
  position: string;
  failingEvent: { position: string; streamId: string; streamVersion: number; eventType: string } | null;
  setAsideEvents: number;
};
const statuses = async () => (await call(projectionsRoute as Handler, '/api/projections')).body.projections as Status[];
const statusOf = async (name: string) => (await statuses()).find((p) => p.name === name);

const act = (handler: unknown, name: string, version: string, body: unknown, as: Role = 'operator') =>
  call(handler as Handler, `/api/projections/${name}/versions/${version}/${handler === skipRoute ? 'skip' : 'retry'}`, {
    method: 'POST',
    body,
    as,
    params: { name, version },
  });

let worker: ProjectionWorker | undefined;
let poison: string; // position of the poison event
let after: string; // position of a good event behind it

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 50))) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
  }
}

beforeAll(async () => {
  const orphan = '00000000-0000-4000-8000-00000000dead';
  poison = (
    await getServices().store.append(
      `order-${orphan}`,
      [{ type: 'OrderShipped', data: { orderId: orphan, shippedAt: new Date().toISOString() } }],
      { expectedVersion: 0, streamType: 'order' },
    )
  ).position;
  const customerId = ((await call(customersRoute as Handler, '/api/customers')).body.customers as { id: string }[])[0]!
    .id;
  const placed = await call(placeRoute as Handler, '/api/orders', {
    body: { customerId, items: [{ sku: 'SKU-0001', quantity: 1 }], shippingAddress: address() },
  });
  after = placed.body.position;
  worker = startProjectionWorker({
    connectionString: databaseUrl,
    projections: PROJECTIONS,
    pollMs: 20,
    maxBackoffMs: 60_000,
  });
});

afterAll(async () => {
  await worker?.stop();
});

describe('a poison event', () => {
  it('stops only the projection it poisons, which names the event once a retry has isolated it', async () => {
    const stuck = await until(
      () => statusOf('order_summaries'),
      (p) => Boolean(p?.failingEvent),
    );
    expect(stuck).toMatchObject({
      status: expect.stringMatching(/retrying|stalled/),
      lastError: expect.stringContaining('never placed'),
      failingEvent: { position: poison, eventType: 'OrderShipped', streamVersion: 1 },
    });
    // The others went past it, and past the order placed after it.
    const others = await until(
      statuses,
      (all) =>
        all.length === READ_MODELS.length &&
        all.filter((p) => p.name !== 'order_summaries').every((p) => p.lagEvents === 0),
    );
    expect(others.filter((p) => p.name !== 'order_summaries')).toHaveLength(READ_MODELS.length - 1);
    for (const p of others.filter((p) => p.name !== 'order_summaries')) expect(p).toMatchObject({ lastError: null });
  });

  it('refuses what an operator may not do, writing nothing', async () => {
    const before = await operationsCount();
    expectError(
      await act(skipRoute, 'order_summaries', '1', { position: poison, reason: 'x' }, 'clerk'),
      403,
      'FORBIDDEN',
    );
    expectError(await act(skipRoute, 'order_summaries', '9', { position: poison, reason: 'x' }), 404, 'NOT_FOUND');
    expectError(await act(skipRoute, 'nothing', '1', { position: poison, reason: 'x' }), 404, 'NOT_FOUND');
    expectValidation(await act(skipRoute, 'order_summaries', '1', { position: poison, reason: ' ' }), {
      reason: 'Reason is required.',
    });
    expectValidation(await act(skipRoute, 'order_summaries', '1', { position: 'first', reason: 'x' }), {
      position: expect.any(String),
    });
    expectError(
      await act(skipRoute, 'order_summaries', '1', { position: after, reason: 'Wrong one' }),
      409,
      'RULE_VIOLATION',
      {
        rule: 'NOT_THE_FAILING_EVENT',
      },
    );
    expectError(await act(skipRoute, 'customer_stats', '1', { position: poison, reason: 'x' }), 409, 'RULE_VIOLATION', {
      rule: 'NOT_FAILING',
    });
    expectError(await act(retryRoute, 'customer_stats', '1', {}), 409, 'RULE_VIOLATION', { rule: 'NOT_FAILING' });
    expect(await operationsCount()).toBe(before);
    expect((await statusOf('order_summaries'))?.failingEvent?.position).toBe(poison);
  });

  it('retries at once when asked, and the retry is recorded', async () => {
    // Six failures in, the next retry of its own is 3.2 s away (backoff 100 ms doubling).
    const before = (await until(
      () => statusOf('order_summaries'),
      (p) => p!.failedAttempts >= 6,
    ))!.failedAttempts;
    expect(before).toBeGreaterThanOrEqual(6);
    const asked = Date.now();
    const res = await act(retryRoute, 'order_summaries', '1', { reason: 'Fixed the code, try again' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const retried = await until(
      () => statusOf('order_summaries'),
      (p) => p!.failedAttempts !== before,
      3_000,
    );
    expect(retried!.failedAttempts).toBe(1);
    expect(Date.now() - asked).toBeLessThan(1_500);
  });

  it('skips exactly the failing event with a reason: the projection goes on, the event is kept and the skip logged', async () => {
    const res = await act(skipRoute, 'order_summaries', '1', {
      position: poison,
      reason: 'Shipment of an order that was never placed (import test)',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await waitForProjections(after);
    expect(await statusOf('order_summaries')).toMatchObject({ lastError: null, failingEvent: null, setAsideEvents: 1 });
    const { rows } = await pool().query(
      `SELECT reason FROM projection_dead_letters WHERE name = 'order_summaries' AND version = 1`,
    );
    expect(rows).toEqual([
      { reason: 'skipped by Olivia Operator: Shipment of an order that was never placed (import test)' },
    ]);

    const log = (await call(operationsRoute as Handler, '/api/operations', { as: 'viewer' })).body.operations;
    expect(log.map((o: { type: string }) => o.type)).toEqual(['ProjectionEventSkipped', 'ProjectionRetryRequested']);
    expect(log[0]).toMatchObject({
      actor: { name: 'Olivia Operator' },
      data: {
        projection: 'order_summaries',
        version: 1,
        position: poison,
        eventType: 'OrderShipped',
        reason: expect.any(String),
      },
    });
    expect(log[1].data.reason).toBe('Fixed the code, try again');
    // The log is a stream like any other: append-only and hash-chained.
    expect(await getServices().store.verifyStream(OPERATIONS_STREAM_ID)).toEqual({ ok: true, version: 2 });
  });

  it('refuses to skip an event twice (409, not a 500), even when a late attempt marks it failing again', async () => {
    // A worker's attempt that began before the skip can record the event as failing after it
    // (the contract test once met it): set that state by hand, with the worker stopped.
    await worker?.stop();
    worker = undefined;
    const [transactionId, globalPosition] = poison.split(':');
    await pool().query(
      `UPDATE projection_checkpoints
          SET status = 'stalled', failing_transaction_id = $1, failing_global_position = $2,
              failing_stream_id = 'order-00000000-0000-4000-8000-00000000dead', failing_stream_version = 1,
              failing_event_type = 'OrderShipped'
        WHERE name = 'order_summaries' AND version = 1 AND slot = 'main'`,
      [transactionId, globalPosition],
    );
    const before = await operationsCount();
    const res = await act(skipRoute, 'order_summaries', '1', { position: poison, reason: 'Again' });
    expectError(res, 409, 'RULE_VIOLATION', { rule: 'ALREADY_SKIPPED' });
    expect(await operationsCount()).toBe(before);
    const { rows } = await pool().query(
      `SELECT count(*)::int AS n FROM projection_dead_letters WHERE name = 'order_summaries' AND version = 1`,
    );
    expect(rows[0].n).toBe(1);
  });
});

async function operationsCount() {
  return getServices().store.streamVersion(OPERATIONS_STREAM_ID);
}
