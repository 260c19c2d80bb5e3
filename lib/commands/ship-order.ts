import { handleOrderCommand } from './handle-order-command';
import type { CommandContext, CommandResult, CommandServices } from './types';

export function shipOrder(
  services: CommandServices,
  orderId: string,
  context: CommandContext = {},
): Promise<CommandResult> {
  return handleOrderCommand(
    services,
    orderId,
    { type: 'ShipOrder', input: { orderId } },
    (now) => ({ type: 'ShipOrder', data: { orderId }, metadata: { now } }),
    context,
  );
}
