'use server';

import { z } from 'zod';
import { runAction, type ActionResult } from '@/lib/actions/result';
import {
  adjustOrderPrice,
  adjustOrderPriceSchema,
  cancelOrder,
  cancelOrderSchema,
  changeShippingAddress,
  changeShippingAddressSchema,
  orderIdSchema,
  placeOrder,
  placeOrderSchema,
  shipOrder,
  type AdjustOrderPriceInput,
  type CancelOrderInput,
  type ChangeShippingAddressInput,
  type CommandResult,
  type PlaceOrderInput,
} from '@/lib/commands';
import { authorizeAction } from '@/lib/auth/current-user';
import { actorOf, type Permission } from '@/lib/auth/permissions';
import { getServices } from '@/lib/server/services';
import { headers } from 'next/headers';
import { requestIdOf } from '@/lib/observability/request-id';

// Every argument is parsed again here: a server action is a public endpoint,
// and its TypeScript types say nothing about what a request really carries.

/** Generated once per submission in the browser, so a repeated submit is recorded once. */
const commandIdSchema = z.object({
  commandId: z.uuid('The form lost its submission id; reload the page.'),
  // One user action that issues several commands sends them all with one id.
  correlationId: z.uuid('Not a correlation id.').optional(),
});

/**
 * Checks the session and role first (a refused request parses nothing and
 * writes nothing), then names the actor, command and correlation on the events.
 */
async function commandContextFor(permission: Permission, request: unknown) {
  const user = await authorizeAction(permission);
  const { commandId, correlationId } = commandIdSchema.parse(request);
  // The server (lib/observability/http.ts) gave the action's POST its request id.
  const requestId = requestIdOf(await headers());
  // Without a correlation id the request id is the correlation (handleOrderCommand's default).
  return { commandId, correlationId, requestId, actor: actorOf(user) };
}

// Apart from commandIdSchema, which commandContextFor has already parsed.
const orderTargetSchema = z.object({
  orderId: orderIdSchema,
  // The version the page showed: acting on a page that is out of date is a
  // conflict to show the user, never silently applied to newer state.
  expectedVersion: z.number().int().min(1, 'Not an order version.'),
});

export type CommandRequest = { commandId: string };
/** Optional: the browser may tie several commands of one user action together. */
type Correlated = { correlationId?: string };
export type OrderCommandRequest = CommandRequest & Correlated & { orderId: string; expectedVersion: number };
/** What every command returns: the position lets the UI tell when a read model has caught up. */
export type OrderChange = CommandResult;

export async function placeOrderAction(
  request: CommandRequest & Correlated & PlaceOrderInput,
): Promise<ActionResult<OrderChange>> {
  return runAction('placeOrder', async () => {
    const context = await commandContextFor('orders:write', request);
    const input = placeOrderSchema.parse(request);
    return placeOrder(getServices(), input, context);
  });
}

export async function shipOrderAction(request: OrderCommandRequest): Promise<ActionResult<OrderChange>> {
  return runAction('shipOrder', async () => {
    const context = await commandContextFor('orders:write', request);
    const { orderId, expectedVersion } = orderTargetSchema.parse(request);
    return shipOrder(getServices(), orderId, { ...context, expectedVersion });
  });
}

export async function cancelOrderAction(
  request: OrderCommandRequest & CancelOrderInput,
): Promise<ActionResult<OrderChange>> {
  return runAction('cancelOrder', async () => {
    const context = await commandContextFor('orders:write', request);
    const { orderId, expectedVersion } = orderTargetSchema.parse(request);
    const input = cancelOrderSchema.parse(request);
    return cancelOrder(getServices(), orderId, input, { ...context, expectedVersion });
  });
}

export async function changeShippingAddressAction(
  request: OrderCommandRequest & ChangeShippingAddressInput,
): Promise<ActionResult<OrderChange>> {
  return runAction('changeShippingAddress', async () => {
    const context = await commandContextFor('orders:write', request);
    const { orderId, expectedVersion } = orderTargetSchema.parse(request);
    const input = changeShippingAddressSchema.parse(request);
    return changeShippingAddress(getServices(), orderId, input, { ...context, expectedVersion });
  });
}

export async function adjustOrderPriceAction(
  request: OrderCommandRequest & AdjustOrderPriceInput,
): Promise<ActionResult<OrderChange>> {
  return runAction('adjustOrderPrice', async () => {
    const context = await commandContextFor('orders:adjust', request);
    const { orderId, expectedVersion } = orderTargetSchema.parse(request);
    const input = adjustOrderPriceSchema.parse(request);
    return adjustOrderPrice(getServices(), orderId, input, { ...context, expectedVersion });
  });
}
