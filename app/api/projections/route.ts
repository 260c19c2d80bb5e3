import { handle } from '@/lib/http/respond';
import { listProjectionStatus } from '@/lib/projections/status';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  return handle(req, 'read', async () =>
    Response.json({ projections: await listProjectionStatus(getServices().pool) }),
  );
}
