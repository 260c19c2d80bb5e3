import { NextResponse } from 'next/server';
import { z } from 'zod';
import { notFound } from '@/lib/errors';
import { handle } from '@/lib/http/respond';
import { getCustomerStats } from '@/lib/read-models/customer-stats/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

const customerId = z.uuid();

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  return handle(req, 'read', async () => {
    const { id } = await ctx.params;
    // A malformed id names no customer: a 404 like an unknown one, without asking the database.
    const stats = customerId.safeParse(id).success ? await getCustomerStats(getServices().pool, id) : null;
    if (!stats) throw notFound('Customer not found.');
    return NextResponse.json(stats);
  });
}
