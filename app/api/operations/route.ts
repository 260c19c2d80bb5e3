import { NextResponse } from 'next/server';
import { handle } from '@/lib/http/respond';
import { listOperations } from '@/lib/projections/operations';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** What operators did to projections, newest first: the operations stream, read like any other. */
export async function GET(req: Request) {
  return handle(req, 'read', async () => NextResponse.json({ operations: await listOperations(getServices().store) }));
}
