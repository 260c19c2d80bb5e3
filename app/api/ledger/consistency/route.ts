import { NextResponse } from 'next/server';
import { parseInput } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { consistencyQuerySchema, getConsistencyProof } from '@/lib/ledger/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** `?from=<tree size>&to=<tree size>`: the RFC 9162 consistency proof between two signed heads (to: the newest). */
export async function GET(req: Request) {
  return handle(req, 'read', async () => {
    const query = parseInput(consistencyQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await getConsistencyProof(getServices().pool, query));
  });
}
