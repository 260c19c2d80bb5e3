import { NextResponse } from 'next/server';
import { actorOf } from '@/lib/auth/permissions';
import { parseInput, projectionParam, type ProjectionVersionRouteContext } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { handle } from '@/lib/http/respond';
import { switchInputSchema } from '@/lib/projections/operations';
import { switchProjection } from '@/lib/projections/use-cases';
import { getServices } from '@/lib/server/services';

export async function POST(req: Request, ctx: ProjectionVersionRouteContext) {
  return handle(req, 'projections:operate', async (user) => {
    const projection = await projectionParam(ctx);
    const input = parseInput(switchInputSchema, await readJsonObject(req, { optional: true }));
    return NextResponse.json(await switchProjection(getServices(), projection, input, actorOf(user)));
  });
}
