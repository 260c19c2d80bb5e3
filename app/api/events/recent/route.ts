import { NextResponse } from 'next/server';
import { parseInput } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { listRecentEvents, recentEventsQuerySchema } from '@/lib/queries/dashboard';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  return handle(req, 'read', async () => {
    const query = parseInput(recentEventsQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await listRecentEvents(getServices().pool, query));
  });
}
