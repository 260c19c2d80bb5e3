import { NextResponse } from 'next/server';
import { notFound } from '@/lib/errors';
import { versionEtag } from '@/lib/http/headers';
import { orderIdParam, type OrderRouteContext } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { getOrderSummary } from '@/lib/read-models/order-summaries/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** The order as the orders list's projection has it; GET …/events has the log itself. */
export async function GET(req: Request, ctx: OrderRouteContext) {
  return handle(req, 'read', async () => {
    const orderId = await orderIdParam(ctx);
    const order = await getOrderSummary(getServices().pool, orderId);
    if (!order) {
      throw notFound(
        `Order ${orderId} is not in the orders read model: it does not exist, or it was placed moments ago and is not projected yet.`,
      );
    }
    // The version the projection has applied, ready to send back as If-Match.
    return NextResponse.json(order, { headers: { ETag: versionEtag(order.version) } });
  });
}
