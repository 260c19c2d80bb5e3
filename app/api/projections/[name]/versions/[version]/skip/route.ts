import { NextResponse } from 'next/server';
import { actorOf } from '@/lib/auth/permissions';
import { parseInput, projectionParam, type ProjectionVersionRouteContext } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { handle } from '@/lib/http/respond';
import { skipFailingEvent, skipInputSchema } from '@/lib/projections/operations';
import { getServices } from '@/lib/server/services';

export async function POST(req: Request, ctx: ProjectionVersionRouteContext) {
  return handle(req, 'projections:operate', async (user) => {
    const projection = await projectionParam(ctx);
    const input = parseInput(skipInputSchema, await readJsonObject(req));
    return NextResponse.json(await skipFailingEvent(getServices(), projection, input, actorOf(user)));
  });
}
