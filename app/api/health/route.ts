import { NextResponse } from 'next/server';
import { probe } from '@/lib/http/health';
import { getServices } from '@/lib/server/services';

// A cached or prerendered answer would report on a database that may be gone.
export const dynamic = 'force-dynamic';

export async function GET() {
  const up = await probe(() => getServices().pool.query('SELECT 1'));
  return up
    ? NextResponse.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } })
    : NextResponse.json({ status: 'unavailable' }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
}
