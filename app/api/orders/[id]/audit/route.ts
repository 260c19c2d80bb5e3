import { NextResponse } from 'next/server';
import { auditFileName, timelineToJson } from '@/lib/audit';
import { orderIdParam, type OrderRouteContext } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { getOrderTimeline } from '@/lib/queries/order-audit';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** The audit timeline as JSON (the export; the page shows the same timeline). */
export async function GET(req: Request, ctx: OrderRouteContext) {
  return handle(req, 'read', async () => {
    const orderId = await orderIdParam(ctx);
    const timeline = await getOrderTimeline(getServices(), orderId);
    return NextResponse.json(timelineToJson(timeline, new Date()), {
      headers: {
        'Content-Disposition': `attachment; filename="${auditFileName(orderId, 'json')}"`,
        'Cache-Control': 'no-store',
      },
    });
  });
}
