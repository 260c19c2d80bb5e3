// One queryOptions factory per query: the single source of its key, shared by
// useQuery, cancelQueries, getQueryData and setQueryData.
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { fetchCatalog, fetchCustomers, fetchOrders, fetchProjections, type OrdersFilter } from './fetchers';

export type { OrdersFilter, OrdersPage } from './fetchers';

/** Prefix of every orders list, whatever its filter: what pushes and mutations cancel and invalidate. */
export const ordersListKey = ['orders', 'list'] as const;

export function ordersQuery({ status, customerId }: OrdersFilter) {
  // Unset filters are left out, so `{}` and `{ status: undefined }` share one cache entry.
  const filter: OrdersFilter = { ...(status ? { status } : {}), ...(customerId ? { customerId } : {}) };
  return infiniteQueryOptions({
    queryKey: [...ordersListKey, filter] as const,
    queryFn: ({ pageParam, signal }) => fetchOrders(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function customersQuery() {
  // Reference data: changes rarely, and a stale name does no harm.
  return queryOptions({
    queryKey: ['customers'] as const,
    queryFn: ({ signal }) => fetchCustomers(signal),
    staleTime: 5 * 60_000,
  });
}

export function catalogQuery() {
  return queryOptions({
    queryKey: ['catalog'] as const,
    queryFn: ({ signal }) => fetchCatalog(signal),
    staleTime: 5 * 60_000,
  });
}

export function projectionsQuery() {
  return queryOptions({ queryKey: ['projections'] as const, queryFn: ({ signal }) => fetchProjections(signal) });
}
