import { NextResponse } from 'next/server';
import { actorOf } from '@/lib/auth/permissions';
import { parseInput, type ProjectionRouteContext } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { compareQuerySchema } from '@/lib/projections/operations';
import { compareProjection } from '@/lib/projections/use-cases';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** Compares two versions at one log position; the report is kept (an operator's action, hence the permission). */
export async function GET(req: Request, ctx: ProjectionRouteContext) {
  return handle(req, 'projections:operate', async (user) => {
    const { name } = await ctx.params;
    const params = new URL(req.url).searchParams;
    const query = parseInput(compareQuerySchema, {
      a: params.get('a') ?? undefined,
      b: params.get('b') ?? undefined,
    });
    return NextResponse.json(await compareProjection(getServices(), name, query, actorOf(user)));
  });
}
