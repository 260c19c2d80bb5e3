import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { OrdersTable } from '@/components/orders-list/orders-table';
import { apiParams, hasDays, readListState } from '@/components/orders-list/url-state';
import { PageHeader } from '@/components/orders/page-header';
import { buttonClass } from '@/components/ui/button';
import { ordersQuery } from '@/lib/read-models/order-summaries/client';
import { listOrderSummaries } from '@/lib/read-models/order-summaries/list';
import { listOrdersQuerySchema } from '@/lib/read-models/order-summaries/list-params';
import { getServices } from '@/lib/server/services';
import { requireUser } from '@/lib/auth/current-user';
import { can } from '@/lib/auth/permissions';

export const metadata: Metadata = { title: 'Orders' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// A shell: the list lives in the browser (components/orders-list), kept up to
// date by pushes, its state in the URL. Its page is read here too, so it
// arrives with rows rather than a spinner, and is handed to the browser's
// cache under the key the browser will ask for.
export default async function OrdersPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  // Rendered per request: `next build` must never reach for the database.
  await connection();
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) {
    if (typeof value === 'string') search.set(name, value);
  }
  const state = readListState(search);
  const queryClient = new QueryClient();
  // Days are the reader's own (only the browser knows its time zone): such a list is read there.
  const params = apiParams(state);
  const asText = Object.fromEntries(
    Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  );
  const parsed = hasDays(state) ? null : listOrdersQuerySchema.safeParse(asText);
  // A failed read (a cursor of another sort, say) is not cached: the browser asks again and shows the error.
  if (parsed?.success) {
    await queryClient.prefetchQuery({
      ...ordersQuery(params),
      queryFn: () => listOrderSummaries(getServices().pool, parsed.data),
    });
  }

  return (
    <>
      <PageHeader
        title="Orders"
        description="Every order, updated live. Sort by any column; the address keeps your search, filters and page."
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
