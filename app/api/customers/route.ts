import { NextResponse } from 'next/server';
import { handle } from '@/lib/http/respond';
import { listCustomers } from '@/lib/queries/reference-data';
import { getServices } from '@/lib/server/services';

// Read from the database on every request; `next build` must not prerender it.
export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  return handle(req, 'read', async () => NextResponse.json({ customers: await listCustomers(getServices().prisma) }));
}
