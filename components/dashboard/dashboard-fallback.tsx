import { PageHeader } from '@/components/orders/page-header';
import { Skeleton } from './panel';

/** What the page shows until the dashboard knows its URL (see app/dashboard/page.tsx). */
export function DashboardFallback() {
  return (
    <>
      <PageHeader title="Dashboard" />
      <div aria-busy="true" className="space-y-6">
        <span className="sr-only">Loading the dashboard…</span>
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-80 w-full" />
      </div>
    </>
  );
}
