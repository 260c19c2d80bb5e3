import { NextResponse } from 'next/server';
import { readiness, readinessHeaders } from '@/lib/http/readiness';
import { getServices } from '@/lib/server/services';

// Readiness for a load balancer or Kubernetes: 200 when this process can serve, 503 saying which check failed.
export const dynamic = 'force-dynamic';

export async function GET() {
  const body = await readiness(getServices().pool);
  const ready = body.status === 'ready';
  return NextResponse.json(body, { status: ready ? 200 : 503, headers: readinessHeaders(ready) });
}
