import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { AuditTimeline } from '@/components/audit/audit-timeline';
import { ExportLinks } from '@/components/audit/export-links';
import { VerifyBadge } from '@/components/audit/verify-badge';
import { PageHeader } from '@/components/orders/page-header';
import { requireUser } from '@/lib/auth/current-user';
import { orderIdSchema } from '@/lib/commands/schemas';
import { isAppError } from '@/lib/errors';
import { getOrderTimeline } from '@/lib/queries/order-audit';
import { getServices } from '@/lib/server/services';

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ version?: string | string[] }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Audit · Order #${id.slice(0, 8)}` };
}

/** `?version=N` opens the timeline at that version (the page keeps it up to date as you step). */
export default async function OrderAuditPage({ params, searchParams }: Props) {
  await requireUser();
  const { id } = await params;
  // ../layout.tsx has already answered 404 for unknown ids; this guards the page on its own.
  if (!orderIdSchema.safeParse(id).success) notFound();
  await connection();

  const timeline = await getOrderTimeline(getServices(), id.toLowerCase()).catch((error: unknown) => {
    if (isAppError(error) && error.code === 'NOT_FOUND') return null;
    throw error;
  });
  if (!timeline) notFound();

  const { version } = await searchParams;
  const requested = Number(typeof version === 'string' ? version : NaN);
  const initialVersion = timeline.entries.some((entry) => entry.version === requested) ? requested : timeline.version;
  const short = timeline.orderId.slice(0, 8);
  const count = timeline.entries.length;

  return (
    <>
      <Link
        href={`/orders/${timeline.orderId}`}
        className="mb-4 inline-flex items-center gap-1 rounded text-sm text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <span aria-hidden="true">←</span> Order #{short}
      </Link>
      <PageHeader
        title="Audit timeline"
        description={
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
            <span>
              Order <span className="font-mono">#{short}</span> · {count} {count === 1 ? 'event' : 'events'}, oldest
              first
            </span>
            <VerifyBadge verification={timeline.verification} />
          </div>
        }
        actions={<ExportLinks orderId={timeline.orderId} />}
      />
      <AuditTimeline key={timeline.orderId} timeline={timeline} initialVersion={initialVersion} />
    </>
  );
}
