import type { Metadata } from 'next';
import { Dashboard } from '@/components/dashboard/dashboard';
import { PageHeader } from '@/components/orders/page-header';

export const metadata: Metadata = { title: 'Dashboard' };

// A static shell: the sections fetch in the browser (and refetch on live
// pushes), so rendering this page never touches the database.
export default function DashboardPage() {
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Orders, revenue and customers as the projections see them, updated live."
      />
      <Dashboard />
    </>
  );
}
