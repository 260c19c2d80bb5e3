import { NextResponse } from 'next/server';
import { actorOf } from '@/lib/auth/permissions';
import { parseInput, type ProjectionRouteContext } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { handle } from '@/lib/http/respond';
import { rollbackInputSchema } from '@/lib/projections/operations';
import { rollBackProjection } from '@/lib/projections/use-cases';
import { getServices } from '@/lib/server/services';

export async function POST(req: Request, ctx: ProjectionRouteContext) {
  return handle(req, 'projections:operate', async (user) => {
    const { name } = await ctx.params;
    const input = parseInput(rollbackInputSchema, await readJsonObject(req));
    return NextResponse.json(await rollBackProjection(getServices(), name, input, actorOf(user)));
  });
}
