// The dashboard's metrics in the browser: the queryOptions factory, the single
// source of its key (used by the dashboard and its live invalidation).
import { queryOptions } from '@tanstack/react-query';
import { getJson } from '../../client/fetchers';
import type { DashboardMetrics } from './types';

export const metricsKeys = { all: ['order-metrics'] as const };

export const metricsQuery = (minutes: number) =>
  queryOptions({
    queryKey: [...metricsKeys.all, { minutes }] as const,
    queryFn: ({ signal }) => getJson<DashboardMetrics>(`/api/stats/metrics?minutes=${minutes}`, signal),
    // The window moves every minute even when no order arrives.
    refetchInterval: 60_000,
  });
