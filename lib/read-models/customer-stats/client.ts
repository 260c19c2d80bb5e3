// Customer statistics in the browser: the queryOptions factory, the single
// source of its keys (used by the dashboard's table and its live invalidation).
import { queryOptions } from '@tanstack/react-query';
import { ApiError, getJson, retryServerErrors } from '../../client/fetchers';
import type { CustomerStatsAtPage } from './at';
import type { CustomerStatsRow } from './types';

export const customerStatsKeys = {
  all: ['customer-stats'] as const,
  live: () => [...customerStatsKeys.all, 'live'] as const,
  // Not under live(): live pushes invalidate that prefix, and a past
  // moment's figures never change.
  at: () => [...customerStatsKeys.all, 'at'] as const,
};

export { CUSTOMER_SORTS, type CustomerSort } from './types';
import type { CustomerSort } from './types';
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
    ? ([...customerStatsKeys.at(), at, list] as const)
    : ([...customerStatsKeys.live(), list] as const);
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
    // A past moment's figures are final (see history-sql.ts beside this file):
    // fetched once, never refetched. A moment in the future is answered as of
    // "now" and says so (asOf); it stays as loaded, like any other moment.
    ...(at ? { staleTime: Infinity } : {}),
    retry: retryServerErrors,
  });
};

/** Both keys name the live list, or both the same past moment. */
const sameMoment = (a: readonly unknown[], b: readonly unknown[]) => a[1] === b[1] && (a[1] !== 'at' || a[2] === b[2]);

/** The API refused `at` itself (400 VALIDATION naming it): the link is wrong, not the server. */
export function invalidAtMessage(error: Error | null): string | null {
  return error instanceof ApiError && error.status === 400 && error.fields.at ? error.fields.at : null;
}
