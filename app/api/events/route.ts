import { NextResponse } from 'next/server';
import { feedQuerySchema, readFeed } from '@/lib/feed/read';
import { countFeedRequest } from '@/lib/feed/limits';
import { parseInput } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** `?after=<position>&limit=<1–1000>`: the log in gap-safe global order, and `next`, the position to ask after. */
export async function GET(req: Request) {
  return handle(req, 'read', async (user) => {
    const query = parseInput(feedQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    countFeedRequest(user.id);
    return NextResponse.json(await readFeed(getServices().store, query), { headers: { 'Cache-Control': 'no-store' } });
  });
}
