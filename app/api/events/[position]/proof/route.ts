import { NextResponse } from 'next/server';
import { parseInput } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { eventPositionParam, getInclusionProof, proofQuerySchema } from '@/lib/ledger/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ position: string }> };

/** `?treeSize=<a signed head's size>` (default: the newest head): the event's RFC 9162 inclusion proof. */
export async function GET(req: Request, ctx: Context) {
  return handle(req, 'read', async () => {
    const at = eventPositionParam((await ctx.params).position);
    const { treeSize } = parseInput(proofQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await getInclusionProof(getServices().pool, at, treeSize));
  });
}
