import { auditFileName, timelineToCsv } from '@/lib/audit';
import { orderIdParam, type OrderRouteContext } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { getOrderTimeline } from '@/lib/queries/order-audit';
import { getServices } from '@/lib/server/services';

// The folder's name is the URL segment, dot included (as app/rss.xml/route.ts
// serves /rss.xml): only metadata files (sitemap.xml, robots.txt, …) are special.
export const dynamic = 'force-dynamic';

/** The audit timeline as CSV (RFC 4180, formula cells neutralised; see lib/audit/export.ts). */
export async function GET(req: Request, ctx: OrderRouteContext) {
  return handle(req, 'read', async () => {
    const orderId = await orderIdParam(ctx);
    const timeline = await getOrderTimeline(getServices(), orderId);
    return new Response(timelineToCsv(timeline), {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `attachment; filename="${auditFileName(orderId, 'csv')}"`,
        'Cache-Control': 'no-store',
      },
    });
  });
}
