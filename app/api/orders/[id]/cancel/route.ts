import { cancelOrder, cancelOrderSchema } from '@/lib/commands';
import { commandContext } from '@/lib/http/headers';
import { orderIdParam, parseInput, type OrderRouteContext } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { commandResponse, handle } from '@/lib/http/respond';
import { getServices } from '@/lib/server/services';

export async function POST(req: Request, ctx: OrderRouteContext) {
  return handle(req, 'orders:write', async (user) => {
    const orderId = await orderIdParam(ctx);
    const context = commandContext(req, user, { conditional: true });
    const input = parseInput(cancelOrderSchema, await readJsonObject(req));
    return commandResponse(await cancelOrder(getServices(), orderId, input, context));
  });
}
