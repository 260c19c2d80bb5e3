import { NextResponse } from 'next/server';
import { orderIdParam, type OrderRouteContext } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { verifyOrder } from '@/lib/queries/order-audit';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** `{ ok: true, version }`, or `{ ok: false, version, brokenAtVersion, reason }` naming the first altered event. */
export async function GET(req: Request, ctx: OrderRouteContext) {
  return handle(req, 'read', async () => {
    const verdict = await verifyOrder(getServices(), await orderIdParam(ctx));
    // A verdict is about this moment: never serve a stored copy.
    return NextResponse.json(verdict, { headers: { 'Cache-Control': 'no-store' } });
  });
}
