import { queryOptions } from '@tanstack/react-query';
import { getJson } from '@/lib/client/fetchers';
import type { LedgerStatus } from '@/lib/ledger/queries';
import type { ProjectionStatus } from '@/lib/projections/status';
import type { RecentEvent } from '@/lib/queries/dashboard';
import { customerStatsKeys } from '@/lib/read-models/customer-stats/client';
import { metricsKeys } from '@/lib/read-models/order-metrics/client';

// One queryOptions factory per query: the single source of its key, used by
// the components (useQuery) and by the live invalidation (use-dashboard-live.ts).
// The read models' own factories live in their folders (lib/read-models/*/client.ts).

export const dashboardKeys = {
  all: ['dashboard'] as const,
  metrics: () => metricsKeys.live(),
  recentEvents: () => [...dashboardKeys.all, 'recent-events'] as const,
  /** The live customer list (pushes invalidate it; the list as of a past moment has other keys). */
  customers: () => customerStatsKeys.live(),
  projections: () => [...dashboardKeys.all, 'projections'] as const,
  ledger: () => [...dashboardKeys.all, 'ledger'] as const,
};

export const recentEventsQuery = (limit: number) =>
  queryOptions({
    queryKey: [...dashboardKeys.recentEvents(), { limit }] as const,
    queryFn: ({ signal }) => getJson<{ events: RecentEvent[] }>(`/api/events/recent?limit=${limit}`, signal),
  });

export const projectionsQuery = () =>
  queryOptions({
    queryKey: dashboardKeys.projections(),
    queryFn: ({ signal }) => getJson<{ projections: ProjectionStatus[] }>('/api/projections', signal),
    // A stalled projection sends no pushes: poll, so its lag keeps growing on screen.
    refetchInterval: 5_000,
  });

export const ledgerStatusQuery = () =>
  queryOptions({
    queryKey: dashboardKeys.ledger(),
    queryFn: ({ signal }) => getJson<LedgerStatus>('/api/ledger/status', signal),
    // Heads are signed every few seconds: polling shows each one without a push of its own.
    refetchInterval: 3_000,
  });
