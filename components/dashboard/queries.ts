import { queryOptions } from '@tanstack/react-query';
import { ApiError, getJson } from '@/lib/client/fetchers';
import type { ProjectionStatus } from '@/lib/projections/status';
import type { CustomerStatsAtPage } from '@/lib/queries/customer-stats-at';
import type { DashboardMetrics, RecentEvent } from '@/lib/queries/dashboard';
import type { CustomerStatsRow } from '@/lib/queries/read-models';

// One queryOptions factory per query: the single source of its key, used by
// the components (useQuery) and by the live invalidation (use-dashboard-live.ts).

export const dashboardKeys = {
  all: ['dashboard'] as const,
  metrics: () => [...dashboardKeys.all, 'metrics'] as const,
  recentEvents: () => [...dashboardKeys.all, 'recent-events'] as const,
  customers: () => [...dashboardKeys.all, 'customers'] as const,
  // Not under customers(): live pushes invalidate that prefix, and a past
  // moment's figures never change.
  customersAt: () => [...dashboardKeys.all, 'customers-at'] as const,
  projections: () => [...dashboardKeys.all, 'projections'] as const,
};

/** A 4xx says the request itself is wrong: asking again gives the same answer. */
const retryServerErrors = (failures: number, error: Error) =>
  !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 1;

export const metricsQuery = (minutes: number) =>
  queryOptions({
    queryKey: [...dashboardKeys.metrics(), { minutes }] as const,
    queryFn: ({ signal }) => getJson<DashboardMetrics>(`/api/stats/metrics?minutes=${minutes}`, signal),
    // The window moves every minute even when no order arrives.
    refetchInterval: 60_000,
  });

export const recentEventsQuery = (limit: number) =>
  queryOptions({
    queryKey: [...dashboardKeys.recentEvents(), { limit }] as const,
    queryFn: ({ signal }) => getJson<{ events: RecentEvent[] }>(`/api/events/recent?limit=${limit}`, signal),
  });

export type CustomerSort = 'spent' | 'orders';
export type CustomerStatsParams = {
  sort: CustomerSort;
  page: number;
  pageSize: number;
  q: string;
  /** An ISO 8601 time with a zone, as in `/dashboard?at=`: the figures as of then; null for the live list. */
  at: string | null;
};
/** A page of the live list, or (with `asOf`, `historic`) of the list as of a past moment. */
export type CustomerStatsPage = { customers: CustomerStatsRow[]; page: number; pageSize: number; total: number } & (
  { asOf?: undefined; historic?: undefined } | Pick<CustomerStatsAtPage, 'asOf' | 'historic'>
);

/**
 * The live list (from the customer_stats projection, invalidated by pushes)
 * or, with `at`, the list as of that moment (computed from the event log).
 * One factory for both, so the table makes one useQuery call whichever it shows.
 */
export const customerStatsQuery = ({ at, ...list }: CustomerStatsParams) => {
  const queryKey = at
    ? ([...dashboardKeys.customersAt(), at, list] as const)
    : ([...dashboardKeys.customers(), list] as const);
  return queryOptions({
    queryKey,
    queryFn: ({ signal }) => {
      const search = new URLSearchParams({
        sort: list.sort,
        page: String(list.page),
        pageSize: String(list.pageSize),
      });
      if (list.q) search.set('q', list.q);
      if (at) search.set('at', at);
      return getJson<CustomerStatsPage>(`/api/stats/customers?${search}`, signal);
    },
    // Paging and typing keep the old page on screen until the new one arrives,
    // but only within one moment: rows of another moment (or of the live list)
    // under a banner naming this one would be wrong, so a new moment starts
    // from the loading state.
    placeholderData: (previous, previousQuery) =>
      previousQuery && sameMoment(previousQuery.queryKey, queryKey) ? previous : undefined,
    // A past moment's figures are final (see lib/queries/history/customer-stats-sql.ts):
    // fetched once, never refetched. A moment in the future is answered as of
    // "now" and says so (asOf); it stays as loaded, like any other moment.
    ...(at ? { staleTime: Infinity } : {}),
    retry: retryServerErrors,
  });
};

/** Both keys name the live list, or both the same past moment. */
const sameMoment = (a: readonly unknown[], b: readonly unknown[]) =>
  a[1] === b[1] && (a[1] !== 'customers-at' || a[2] === b[2]);

/** The API refused `at` itself (400 VALIDATION naming it): the link is wrong, not the server. */
export function invalidAtMessage(error: Error | null): string | null {
  return error instanceof ApiError && error.status === 400 && error.fields.at ? error.fields.at : null;
}

export const projectionsQuery = () =>
  queryOptions({
    queryKey: dashboardKeys.projections(),
    queryFn: ({ signal }) => getJson<{ projections: ProjectionStatus[] }>('/api/projections', signal),
    // A stalled projection sends no pushes: poll, so its lag keeps growing on screen.
    refetchInterval: 5_000,
  });
