import { handleOrderCommand } from './handle-order-command';
import type { AdjustOrderPriceInput } from './schemas';
import type { CommandContext, CommandResult, CommandServices } from './types';

/** A compensating correction for a pricing mistake: the original OrderPlaced stays as it was. */
export function adjustOrderPrice(
  services: CommandServices,
  orderId: string,
  input: AdjustOrderPriceInput,
  context: CommandContext = {},
): Promise<CommandResult> {
  return handleOrderCommand(
    services,
    orderId,
    { type: 'AdjustOrderPrice', input: { orderId, ...input } },
    (now) => ({ type: 'AdjustOrderPrice', data: { orderId, ...input }, metadata: { now } }),
    context,
  );
}
