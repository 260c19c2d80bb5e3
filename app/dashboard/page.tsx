import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Dashboard } from '@/components/dashboard/dashboard';
import { DashboardFallback } from '@/components/dashboard/dashboard-fallback';
import { requireUser } from '@/lib/auth/current-user';

export const metadata: Metadata = { title: 'Dashboard' };

// A shell: the sections fetch in the browser (and refetch on live pushes);
// rendering it only checks the session. `?at=<ISO time>` shows the customer
// statistics as of that moment; the client reads it (useSearchParams), hence
// the Suspense boundary Next asks for around such components.
export default async function DashboardPage() {
  await requireUser();
  return (
    <Suspense fallback={<DashboardFallback />}>
      <Dashboard />
    </Suspense>
  );
}
