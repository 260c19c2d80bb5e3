// The dashboard's metrics in the browser: the queryOptions factory, the single
// source of its keys (used by the dashboard and its live invalidation).
import { queryOptions } from '@tanstack/react-query';
import { getJson, retryServerErrors } from '../../client/fetchers';
import type { DashboardMetrics, DashboardMetricsAt } from './types';

export const metricsKeys = {
  all: ['order-metrics'] as const,
  live: () => [...metricsKeys.all, 'live'] as const,
  // Not under live(): live pushes invalidate that prefix, and a past moment's figures never change.
  at: () => [...metricsKeys.all, 'at'] as const,
};

/** The live metrics (from the projection) or, with `at`, the metrics as of that moment (from the event log). */
export const metricsQuery = ({ minutes, at }: { minutes: number; at: string | null }) =>
  queryOptions<DashboardMetrics | DashboardMetricsAt>({
    queryKey: at ? [...metricsKeys.at(), at, { minutes }] : [...metricsKeys.live(), { minutes }],
    queryFn: ({ signal }) => {
      const search = new URLSearchParams({ minutes: String(minutes) });
      if (at) search.set('at', at);
      return getJson<DashboardMetrics | DashboardMetricsAt>(`/api/stats/metrics?${search}`, signal);
    },
    // The live window moves every minute even when no order arrives; a past one is final.
    ...(at ? { staleTime: Infinity } : { refetchInterval: 60_000 }),
    retry: retryServerErrors,
  });
