import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cancelOrder, changeShippingAddress, placeOrder, shipOrder } from '../../lib/commands';
import { orderStreamId } from '../../lib/order-stream';
import { createPrismaClient } from '../../lib/db/prisma';
import { seedCustomers } from '../../lib/db/seed';
import { isAppError, type AppError } from '../../lib/errors';
import { getOrder } from '../../lib/queries/get-order';
import { countEvents, testPool, testStore } from '../support/db';

const { pool, store } = testStore(testPool(40));
const services = { store, pool };
const prisma = createPrismaClient(pool);
const customerId = seedCustomers()[3]!.id;
const address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical St',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};
const order = { customerId, items: [{ sku: 'SKU-0001', quantity: 2 }], shippingAddress: address };

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw error;
  return error;
}

describe('order commands', () => {
  it('places an order with the catalog price frozen into OrderPlaced', async () => {
    const result = await placeOrder(services, order);
    expect(result.version).toBe(1);
    const view = await getOrder(store, result.orderId);
    expect(view.order.status).toBe('placed');
    const product = await prisma.product.findUniqueOrThrow({ where: { sku: 'SKU-0001' } });
    expect(view.order.total).toBe(product.unitPrice * 2);
    expect(view.events[0]!.metadata.commandId).toBeTruthy();
  });

  it('lets exactly one of N commands with the same expected version win', async () => {
    const { orderId } = await placeOrder(services, order);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        changeShippingAddress(
          services,
          orderId,
          { address: { ...address, line1: `${i} Racing Road` } },
          { expectedVersion: 1 },
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as AppError).code)).toEqual(Array(7).fill('CONFLICT'));
    expect(await countEvents(pool, orderStreamId(orderId))).toBe(2);
  });

  it('re-decides on fresh state when no version was given: ship and cancel race, one rule wins', async () => {
    const { orderId } = await placeOrder(services, order);
    const [ship, cancel] = await Promise.allSettled([
      shipOrder(services, orderId),
      cancelOrder(services, orderId, { reasonCode: 'customer_request', reason: 'customer changed their mind' }),
    ]);
    const outcomes = [ship.status, cancel.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const rejected = [ship, cancel].find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect((rejected.reason as AppError).code).toBe('RULE_VIOLATION');
    expect(['ORDER_CANCELLED', 'ORDER_ALREADY_SHIPPED']).toContain((rejected.reason as AppError).details.rule);
    expect(await countEvents(pool, orderStreamId(orderId))).toBe(2);
  });

  it('returns the first result for a repeated command id and writes nothing', async () => {
    const commandId = randomUUID();
    const first = await placeOrder(services, order, { commandId });
    const again = await placeOrder(services, order, { commandId });
    expect(again).toEqual(first);
    expect(await countEvents(pool, orderStreamId(first.orderId))).toBe(1);

    const reused = await rejection(
      placeOrder(services, { ...order, items: [{ sku: 'SKU-0002', quantity: 1 }] }, { commandId }),
    );
    expect(reused.code).toBe('CONFLICT');
  });

  it('turns domain rules into typed errors and writes nothing', async () => {
    const { orderId } = await placeOrder(services, order);
    await shipOrder(services, orderId);
    const error = await rejection(
      cancelOrder(services, orderId, { reasonCode: 'customer_request', reason: 'too late' }),
    );
    expect(error.code).toBe('RULE_VIOLATION');
    expect(error.details.rule).toBe('ORDER_ALREADY_SHIPPED');

    const unknownSku = await rejection(placeOrder(services, { ...order, items: [{ sku: 'NOPE', quantity: 1 }] }));
    expect(unknownSku.code).toBe('VALIDATION');
    expect(unknownSku.details.fields).toHaveProperty(['items.0.sku']);

    const missing = await rejection(shipOrder(services, randomUUID()));
    expect(missing.code).toBe('NOT_FOUND');
    expect(await countEvents(pool, orderStreamId(orderId))).toBe(2);
  });

  it('treats a re-sent ship as a no-op that reports where the order stands', async () => {
    const { orderId } = await placeOrder(services, order);
    const shipped = await shipOrder(services, orderId);
    const again = await shipOrder(services, orderId);
    expect(again).toEqual(shipped);
    expect(await countEvents(pool, orderStreamId(orderId))).toBe(2);
  });
});
