import { placeOrder, placeOrderSchema } from '@/lib/commands';
import { commandContext } from '@/lib/http/headers';
import { parseInput } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { commandResponse, handle } from '@/lib/http/respond';
import { getServices } from '@/lib/server/services';

export async function POST(req: Request) {
  return handle(req, async () => {
    const context = commandContext(req, { conditional: false });
    const input = parseInput(placeOrderSchema, await readJsonObject(req));
    return commandResponse(await placeOrder(getServices(), input, context), 201);
  });
}
