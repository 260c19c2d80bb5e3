import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { ProjectionStatus } from '@/lib/projections/status';
import type { DashboardMetrics, RecentEvent } from '@/lib/queries/dashboard';
import type { CustomerStatsRow } from '@/lib/queries/read-models';

// One queryOptions factory per query: the single source of its key, used by
// the components (useQuery) and by the live invalidation (use-dashboard-live.ts).

export const dashboardKeys = {
  all: ['dashboard'] as const,
  metrics: () => [...dashboardKeys.all, 'metrics'] as const,
  recentEvents: () => [...dashboardKeys.all, 'recent-events'] as const,
  customers: () => [...dashboardKeys.all, 'customers'] as const,
  projections: () => [...dashboardKeys.all, 'projections'] as const,
};

/** The API's error body (lib/http/respond.ts), or a generic message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiError(res.status, body?.error?.message ?? `Request failed (${res.status}).`);
  }
  return (await res.json()) as T;
}

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
export type CustomerStatsParams = { sort: CustomerSort; page: number; pageSize: number; q: string };
export type CustomerStatsPage = { customers: CustomerStatsRow[]; page: number; pageSize: number; total: number };

export const customerStatsQuery = (params: CustomerStatsParams) =>
  queryOptions({
    queryKey: [...dashboardKeys.customers(), params] as const,
    queryFn: ({ signal }) => {
      const search = new URLSearchParams({
        sort: params.sort,
        page: String(params.page),
        pageSize: String(params.pageSize),
      });
      if (params.q) search.set('q', params.q);
      return getJson<CustomerStatsPage>(`/api/stats/customers?${search}`, signal);
    },
    // Paging and typing keep the old page on screen until the new one arrives.
    placeholderData: keepPreviousData,
  });

export const projectionsQuery = () =>
  queryOptions({
    queryKey: dashboardKeys.projections(),
    queryFn: ({ signal }) => getJson<{ projections: ProjectionStatus[] }>('/api/projections', signal),
    // A stalled projection sends no pushes: poll, so its lag keeps growing on screen.
    refetchInterval: 5_000,
  });
