import { handle } from '@/lib/http/respond';
import { hasScrapeToken, METRICS_CONTENT_TYPE, scrape } from '@/lib/observability/scrape';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

const metrics = async () =>
  new Response(await scrape(getServices().pool), {
    headers: { 'Content-Type': METRICS_CONTENT_TYPE, 'Cache-Control': 'no-store' },
  });

/** Prometheus exposition: for operators, or a scraper holding LEDGERLINE_METRICS_TOKEN. */
export async function GET(req: Request) {
  if (hasScrapeToken(req)) return metrics();
  return handle(req, 'metrics:read', metrics);
}
