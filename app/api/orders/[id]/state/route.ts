import { NextResponse } from 'next/server';
import { orderIdParam, parseInput, type OrderRouteContext } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { getOrderStateAsOf, orderStateQuerySchema } from '@/lib/queries/order-audit';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/**
 * The order as of `?version=N` or `?at=<ISO date-time>` (as recorded by then),
 * replayed from its own events. A moment before the order existed is a 404.
 */
export async function GET(req: Request, ctx: OrderRouteContext) {
  return handle(req, 'read', async () => {
    const orderId = await orderIdParam(ctx);
    const query = parseInput(orderStateQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await getOrderStateAsOf(getServices(), orderId, query));
  });
}
