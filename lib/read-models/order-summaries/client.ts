// The orders list in the browser: its fetcher and its queryOptions factory,
// the single source of its key (shared by useQuery, cancelQueries,
// getQueryData and setQueryData).
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { getJson } from '../../client/fetchers';
import type { OrdersPage } from './list';
import { orderIdPrefix, type OrderSort, type SortDirection } from './list-params';
import type { OrderStatus, OrderSummary } from './types';

export type { OrdersPage };

/** GET /api/orders's parameters as the browser sends them (list-params.ts validates them on the server). */
export type OrdersListParams = {
  status?: OrderStatus | undefined;
  customerId?: string | undefined;
  q?: string | undefined;
  /** ISO instants. */
  placedFrom?: string | undefined;
  placedBefore?: string | undefined;
  sort?: OrderSort | undefined;
  dir?: SortDirection | undefined;
  cursor?: string | undefined;
  before?: string | undefined;
  limit?: number | undefined;
};

/** Unset parameters left out, so `{}` and `{ status: undefined }` share one cache entry. */
function normalize(params: OrdersListParams): OrdersListParams {
  return Object.fromEntries(
    Object.entries(params).filter(([, value]) => value !== undefined && value !== ''),
  ) as OrdersListParams;
}

export function fetchOrders(params: OrdersListParams, signal?: AbortSignal): Promise<OrdersPage> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(normalize(params))) search.set(name, String(value));
  return getJson<OrdersPage>(`/api/orders?${search}`, signal);
}

/** Prefix of every orders list, whatever its parameters: what pushes and mutations cancel and invalidate. */
export const ordersListKey = ['orders', 'list'] as const;

export function ordersQuery(params: OrdersListParams) {
  const normalized = normalize(params);
  return queryOptions({
    queryKey: [...ordersListKey, normalized] as const,
    queryFn: ({ signal }) => fetchOrders(normalized, signal),
    // A new page or sort keeps the rows on screen until the next ones arrive.
    placeholderData: keepPreviousData,
  });
}

/** The list's parameters from its query key (what the optimistic writes look at). */
export function paramsOfKey(queryKey: readonly unknown[]): OrdersListParams {
  return (queryKey[ordersListKey.length] ?? {}) as OrdersListParams;
}

/**
 * Whether an order just placed in this tab belongs on the first page of this
 * list: the filters the browser can check (it has the row) must pass.
 */
export function belongsOnFirstPage(row: OrderSummary, params: OrdersListParams): boolean {
  if (params.cursor || params.before) return false;
  if (params.status && params.status !== row.status) return false;
  if (params.customerId && params.customerId.toLowerCase() !== row.customerId) return false;
  if (params.placedBefore && Date.parse(params.placedBefore) <= Date.parse(row.placedAt)) return false;
  if (params.placedFrom && Date.parse(params.placedFrom) > Date.parse(row.placedAt)) return false;
  if (params.q) {
    const id = orderIdPrefix(params.q);
    if (id) return false; // Its id is not known until the server answers.
    if (!(row.customerName ?? '').toLowerCase().includes(params.q.toLowerCase())) return false;
  }
  return true;
}
