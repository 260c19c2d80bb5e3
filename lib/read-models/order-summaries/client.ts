// The orders list in the browser: its fetcher and its queryOptions factory,
// the single source of its key (shared by useQuery, cancelQueries,
// getQueryData and setQueryData).
import { infiniteQueryOptions } from '@tanstack/react-query';
import { getJson } from '../../client/fetchers';
import type { OrderStatus, OrderSummary } from './types';

export type OrdersFilter = { status?: OrderStatus; customerId?: string };
export type OrdersPage = { orders: OrderSummary[]; nextCursor: string | null };

export const ORDERS_PAGE_SIZE = 20;

export function fetchOrders(filter: OrdersFilter, cursor: string | null, signal?: AbortSignal): Promise<OrdersPage> {
  const params = new URLSearchParams({ limit: String(ORDERS_PAGE_SIZE) });
  if (filter.status) params.set('status', filter.status);
  if (filter.customerId) params.set('customerId', filter.customerId);
  if (cursor) params.set('cursor', cursor);
  return getJson<OrdersPage>(`/api/orders?${params}`, signal);
}

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
