import { NextResponse } from 'next/server';
import { handle } from '@/lib/http/respond';
import { getLedgerStatus } from '@/lib/ledger/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** The newest head and how far it trails the log (events and time), for the dashboard. */
export async function GET(req: Request) {
  return handle(req, 'read', async () =>
    NextResponse.json(await getLedgerStatus(getServices().pool), { headers: { 'Cache-Control': 'no-store' } }),
  );
}
