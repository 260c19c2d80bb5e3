import { NextResponse } from 'next/server';

// Liveness: the process answers. Nothing else is checked, so an orchestrator
// never restarts a healthy process because its database is away (that is readiness).
export const dynamic = 'force-dynamic';

export async function GET() {
  return NextResponse.json({ status: 'live' }, { headers: { 'Cache-Control': 'no-store' } });
}
