import { NextResponse } from 'next/server';
import { parseInput } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { getHeads, headsQuerySchema } from '@/lib/ledger/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** `?from=<tree size>&limit=<1–1000>`: signed heads, oldest first, and where the next page starts. */
export async function GET(req: Request) {
  return handle(req, 'read', async () => {
    const query = parseInput(headsQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await getHeads(getServices().pool, query));
  });
}
