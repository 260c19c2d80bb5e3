import { NextResponse } from 'next/server';
import { RETRY_AFTER_SECONDS } from '@/lib/db/unavailable';
import { probe } from '@/lib/http/health';
import { getServices } from '@/lib/server/services';

// A cached or prerendered answer would report on a database that may be gone.
export const dynamic = 'force-dynamic';

export async function GET() {
  const up = await probe(() => getServices().pool.query('SELECT 1'));
  return up
    ? NextResponse.json({ status: 'ok', database: 'up' }, { headers: { 'Cache-Control': 'no-store' } })
    : NextResponse.json(
        { status: 'unavailable', database: 'down' },
        { status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': String(RETRY_AFTER_SECONDS) } },
      );
}
