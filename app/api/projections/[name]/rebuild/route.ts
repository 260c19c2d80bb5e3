import { NextResponse } from 'next/server';
import { actorOf } from '@/lib/auth/permissions';
import { parseInput, type ProjectionRouteContext } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { handle } from '@/lib/http/respond';
import { rebuildInputSchema } from '@/lib/projections/operations';
import { rebuildProjection } from '@/lib/projections/use-cases';
import { getServices } from '@/lib/server/services';

/** Starts a rebuild beside the serving tables; the worker does it, so the answer is 202. */
export async function POST(req: Request, ctx: ProjectionRouteContext) {
  return handle(req, 'projections:operate', async (user) => {
    const { name } = await ctx.params;
    const input = parseInput(rebuildInputSchema, await readJsonObject(req, { optional: true }));
    return NextResponse.json(await rebuildProjection(getServices(), name, input, actorOf(user)), { status: 202 });
  });
}
