// One queryOptions factory per query: the single source of its key, shared by
// useQuery, cancelQueries, getQueryData and setQueryData.
// (A read model's own factories live in its folder, e.g. lib/read-models/order-summaries/client.ts.)
import { queryOptions } from '@tanstack/react-query';
import { fetchCatalog, fetchCustomers, fetchProjections } from './fetchers';

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
