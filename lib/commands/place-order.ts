import { randomUUID } from 'node:crypto';
import type { Product } from '../domain/order';
import { handleOrderCommand } from './handle-order-command';
import type { PlaceOrderInput } from './schemas';
import type { CommandContext, CommandResult, CommandServices } from './types';

/**
 * Prices come from today's catalog and are frozen into OrderPlaced, so later
 * catalog changes never rewrite what the customer agreed to.
 */
export async function placeOrder(
  services: CommandServices,
  input: PlaceOrderInput,
  context: CommandContext & { orderId?: string } = {},
): Promise<CommandResult> {
  const { prisma } = services;
  const skus = [...new Set(input.items.map((item) => item.sku))];
  const [customer, products] = await Promise.all([
    prisma.customer.findUnique({ where: { id: input.customerId }, select: { id: true } }),
    prisma.product.findMany({ where: { sku: { in: skus } } }),
  ]);
  const bySku: Record<string, Product> = Object.fromEntries(products.map((p) => [p.sku, p]));
  const orderId = context.orderId ?? randomUUID();
  return handleOrderCommand(
    services,
    orderId,
    { type: 'PlaceOrder', input },
    (now) => ({
      type: 'PlaceOrder',
      data: { orderId, ...input, customerExists: customer !== null, products: bySku },
      metadata: { now },
    }),
    // A new order has no version yet: 0 makes a second writer of the same id a conflict.
    { ...context, expectedVersion: context.expectedVersion ?? 0 },
  );
}
