import { handle } from '@/lib/http/respond';
import { PROJECTIONS } from '@/lib/read-models';
import { listProjections } from '@/lib/projections/status';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  return handle(req, 'read', async () =>
    Response.json({ projections: await listProjections(getServices().pool, PROJECTIONS) }),
  );
}
