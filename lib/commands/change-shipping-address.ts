import { handleOrderCommand } from './handle-order-command';
import type { ChangeShippingAddressInput } from './schemas';
import type { CommandContext, CommandResult, CommandServices } from './types';

export function changeShippingAddress(
  services: CommandServices,
  orderId: string,
  input: ChangeShippingAddressInput,
  context: CommandContext = {},
): Promise<CommandResult> {
  return handleOrderCommand(
    services,
    orderId,
    { type: 'ChangeShippingAddress', input: { orderId, ...input } },
    (now) => ({ type: 'ChangeShippingAddress', data: { orderId, address: input.address }, metadata: { now } }),
    context,
  );
}
