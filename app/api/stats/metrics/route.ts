import { NextResponse } from 'next/server';
import { parseInput } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { getDashboardMetricsAt, metricsAtQuerySchema } from '@/lib/read-models/order-metrics/at';
import { getDashboardMetrics } from '@/lib/read-models/order-metrics/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

// ?at=<ISO time> answers from the event log as of that moment (labelled
// { asOf, historic: true }); without it, from the live projection.
export async function GET(req: Request) {
  return handle(req, 'read', async () => {
    const { at, ...query } = parseInput(metricsAtQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    const pool = getServices().pool;
    return NextResponse.json(
      at ? await getDashboardMetricsAt(pool, { ...query, at }) : await getDashboardMetrics(pool, query),
    );
  });
}
