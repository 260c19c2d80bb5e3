import { handleOrderCommand } from './handle-order-command';
import type { CancelOrderInput } from './schemas';
import type { CommandContext, CommandResult, CommandServices } from './types';

export function cancelOrder(
  services: CommandServices,
  orderId: string,
  input: CancelOrderInput,
  context: CommandContext = {},
): Promise<CommandResult> {
  return handleOrderCommand(
    services,
    orderId,
    { type: 'CancelOrder', input: { orderId, ...input } },
    (now) => ({
      type: 'CancelOrder',
      data: { orderId, reason: input.reason, reasonCode: input.reasonCode },
      metadata: { now },
    }),
    context,
  );
}
