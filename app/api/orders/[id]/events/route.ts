import { NextResponse } from 'next/server';
import { orderIdParam, type OrderRouteContext } from '@/lib/http/input';
import { toOrderEventView } from '@/lib/http/order-events';
import { versionEtag } from '@/lib/http/headers';
import { handle } from '@/lib/http/respond';
import { getOrderEvents } from '@/lib/queries/get-order';
import { getServices } from '@/lib/server/services';

// The log grows with every command; never serve a build-time copy.
export const dynamic = 'force-dynamic';

export async function GET(req: Request, ctx: OrderRouteContext) {
  return handle(req, 'read', async () => {
    const events = await getOrderEvents(getServices().store, await orderIdParam(ctx));
    // The latest version as ETag, so a client can send it back as If-Match.
    const headers = { ETag: versionEtag(events.at(-1)!.version) };
    return NextResponse.json({ events: events.map(toOrderEventView) }, { headers });
  });
}
