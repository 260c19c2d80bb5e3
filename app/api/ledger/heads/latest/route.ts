import { NextResponse } from 'next/server';
import { handle } from '@/lib/http/respond';
import { getLatestHead } from '@/lib/ledger/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** The newest signed tree head, as exported; 404 before the first. */
export async function GET(req: Request) {
  return handle(req, 'read', async () =>
    NextResponse.json(await getLatestHead(getServices().pool), { headers: { 'Cache-Control': 'no-store' } }),
  );
}
