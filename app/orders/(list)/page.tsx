import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { OrdersTable } from '@/components/orders-list/orders-table';
import { PageHeader } from '@/components/orders/page-header';
import { buttonClass } from '@/components/ui/button';
import { ORDERS_PAGE_SIZE, ordersQuery } from '@/lib/read-models/order-summaries/client';
import { listOrderSummaries } from '@/lib/read-models/order-summaries/queries';
import { getServices } from '@/lib/server/services';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';

export const metadata: Metadata = { title: 'Orders' };

// A shell: the list lives in the browser (components/orders-list), kept up to
// date by pushes. Its first page is read here, so the page arrives with rows
// rather than a spinner, and is handed to the browser's cache.
export default async function OrdersPage() {
  const user = await requireUser();
  // Rendered per request: `next build` must never reach for the database.
  await connection();
  const queryClient = new QueryClient();
  await queryClient.prefetchInfiniteQuery({
    ...ordersQuery({}),
    queryFn: () => listOrderSummaries(getServices().pool, { limit: ORDERS_PAGE_SIZE }),
  });

  return (
    <>
      <PageHeader
        title="Orders"
        description="Every order, newest first, updated live."
        actions={
          can(user.role, 'orders:write') && (
            <Link href="/orders/new" className={buttonClass('primary')}>
              New order
            </Link>
          )
        }
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <OrdersTable />
      </HydrationBoundary>
    </>
  );
}
