import { NextResponse } from 'next/server';
import { actorOf } from '@/lib/auth/permissions';
import { parseInput, projectionParam, type ProjectionVersionRouteContext } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { handle } from '@/lib/http/respond';
import { retireInputSchema } from '@/lib/projections/operations';
import { retireProjectionVersion } from '@/lib/projections/use-cases';
import { getServices } from '@/lib/server/services';

/** Retires the version: its tables are dropped, its history kept. */
export async function DELETE(req: Request, ctx: ProjectionVersionRouteContext) {
  return handle(req, 'projections:operate', async (user) => {
    const projection = await projectionParam(ctx);
    const input = parseInput(retireInputSchema, await readJsonObject(req, { optional: true }));
    return NextResponse.json(await retireProjectionVersion(getServices(), projection, input, actorOf(user)));
  });
}
