import { queryOptions } from '@tanstack/react-query';
import { retryServerErrors } from '@/lib/client/fetchers';
import { fetchComparison, fetchOperations, fetchOverview } from './api';

// One queryOptions factory per query, the single source of its key: used by
// the components and by the live invalidation (use-projections-live.ts).

export const projectionPageKeys = {
  all: ['projections-page'] as const,
  overview: () => [...projectionPageKeys.all, 'overview'] as const,
  operations: () => [...projectionPageKeys.all, 'operations'] as const,
  comparisons: () => [...projectionPageKeys.all, 'comparison'] as const,
};

export const overviewQuery = () =>
  queryOptions({
    queryKey: projectionPageKeys.overview(),
    queryFn: ({ signal }) => fetchOverview(signal),
    // A stalled version sends no pushes: poll, so its lag keeps growing on screen.
    refetchInterval: 5_000,
    retry: retryServerErrors,
  });

export const operationsQuery = () =>
  queryOptions({
    queryKey: projectionPageKeys.operations(),
    queryFn: ({ signal }) => fetchOperations(signal),
    retry: retryServerErrors,
  });

/** A comparison is a report made at one moment: kept as fetched until asked for again. */
export const comparisonQuery = (name: string, a: number, b: number) =>
  queryOptions({
    queryKey: [...projectionPageKeys.comparisons(), { name, a, b }] as const,
    queryFn: ({ signal }) => fetchComparison(name, a, b, signal),
    staleTime: Infinity,
    retry: retryServerErrors,
  });
