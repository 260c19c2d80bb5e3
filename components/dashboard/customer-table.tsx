'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useEffectEvent, useId, useState, type ReactNode } from 'react';
import { LocalTime } from '@/components/format/local-time';
import { Button } from '@/components/ui/button';
import { count, money } from './format';
import { Panel, PanelEmpty, PanelError, Skeleton } from './panel';
import { useDashboardUrl } from './use-dashboard-url';
import { CUSTOMER_SORTS, customerStatsQuery, type CustomerSort } from '@/lib/read-models/customer-stats/client';

const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 300;

/** Sort, search and page of the customer table, and the query they make. */
export type CustomerStats = ReturnType<typeof useCustomerStats>;

const isSort = (value: string | null): value is CustomerSort => CUSTOMER_SORTS.includes(value as CustomerSort);

/**
 * The table's state lives in the URL (`q`, `sort`, `page` beside `at`), so a
 * reload or a shared link shows the same rows, Back steps through pages and
 * sorts, and a search survives switching between live and a past moment. The
 * server sorts, searches and pages (GET /api/stats/customers, with `at` for a
 * past moment), so the table stays one page of rows however many customers there are.
 */
export function useCustomerStats(at: string | null) {
  const { searchParams, navigate } = useDashboardUrl();
  const rawSort = searchParams.get('sort');
  const sort: CustomerSort = isSort(rawSort) ? rawSort : 'spent';
  const q = (searchParams.get('q') ?? '').trim().slice(0, 100);
  const page = Math.max(1, Number.parseInt(searchParams.get('page') ?? '1', 10) || 1);

  // What the search box shows; the URL follows it after a pause in typing
  // (replace: one history entry per search, not per keystroke).
  const [text, setText] = useState(q);
  const typed = useDebounced(text.trim(), SEARCH_DEBOUNCE_MS);
  const searchTyped = useEffectEvent((next: string) => {
    // A new search starts from its first page.
    if (next !== q) navigate({ q: next || null, page: null }, 'replace');
  });
  useEffect(() => searchTyped(typed), [typed]);
  // Back/Forward changed the search: the box follows the URL.
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    if (q !== text.trim()) setText(q);
  }

  const setSort = (next: CustomerSort) => navigate({ sort: next === 'spent' ? null : next, page: null }, 'push');
  const setPage = (next: number) => navigate({ page: next <= 1 ? null : String(next) }, 'push');
  const query = useQuery(customerStatsQuery({ sort, page, pageSize: PAGE_SIZE, q, at }));
  return { at, sort, setSort, text, setText, q, page, setPage, query };
}

export function CustomerTable({ stats }: { stats: CustomerStats }) {
  const { at, sort, setSort, text, setText, q, page, setPage, query } = stats;
  const searchId = useId();
  const sortId = useId();
  const data = query.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <Panel
      title="Customers"
      description={data ? `${count(data.total)} ${q ? 'matching' : 'in total'}` : 'Totals per customer'}
      actions={
        // Marked on the table itself too, so that no part of the page (or a
        // screenshot of it) passes the past off as the present.
        data?.asOf && (
          <span className="max-w-full rounded-full bg-amber-100 px-2.5 py-1 text-xs font-medium text-amber-900 ring-1 ring-amber-600/30 ring-inset">
            Historic · as of <LocalTime iso={data.asOf} />
          </span>
        )
      }
    >
      <div className="mb-3 flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="min-w-0 flex-1">
          <label htmlFor={searchId} className="block text-sm font-medium text-slate-700">
            Search by name
          </label>
          <input
            id={searchId}
            type="search"
            value={text}
            maxLength={100}
            onChange={(e) => setText(e.target.value)}
            placeholder="e.g. Ada"
            className="mt-1 block min-h-10 w-full rounded-lg border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
          />
        </div>
        {/* A phone leaves out the columns of two sorts (the name cell repeats them): sort from here instead. */}
        <div className="sm:hidden">
          <label htmlFor={sortId} className="block text-sm font-medium text-slate-700">
            Sort by
          </label>
          <select
            id={sortId}
            value={sort}
            onChange={(e) => isSort(e.target.value) && setSort(e.target.value)}
            className="mt-1 block min-h-10 w-full rounded-lg border-0 bg-white py-2 pr-8 pl-3 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
          >
            {CUSTOMER_SORTS.map((value) => (
              <option key={value} value={value}>
                {sortLabel(value)}
              </option>
            ))}
          </select>
        </div>
      </div>

      {query.isError && !data ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : !data ? (
        <TableSkeleton historic={!!at} />
      ) : data.customers.length === 0 ? (
        <PanelEmpty>{q ? `No customer name contains “${q}”.` : 'No customers yet.'}</PanelEmpty>
      ) : (
        <div
          className={`overflow-x-auto rounded-lg border border-slate-200 transition-opacity ${query.isPlaceholderData ? 'opacity-60' : ''}`}
          aria-busy={query.isFetching}
        >
          <table className="w-full text-left text-sm sm:min-w-[36rem]">
            <caption className="sr-only">
              Customers sorted by {SORT_NAMES[sort]}
              {data.asOf ? `, as of ${data.asOf}` : ''}, page {data.page} of {pages}
            </caption>
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                <SortHeader sort={sort} value="name" setSort={setSort}>
                  Customer
                </SortHeader>
                <SortHeader sort={sort} value="orders" setSort={setSort} numeric>
                  Orders
                </SortHeader>
                <SortHeader sort={sort} value="spent" setSort={setSort} numeric>
                  Spent
                </SortHeader>
                <th scope="col" className={`px-3 py-2 text-right font-medium ${WIDE_ONLY}`}>
                  Cancelled
                </th>
                <SortHeader sort={sort} value="last" setSort={setSort} className={WIDE_ONLY}>
                  Last order
                </SortHeader>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 tabular-nums">
              {data.customers.map((c) => (
                <tr key={c.customerId} className="hover:bg-slate-50">
                  <th scope="row" className="max-w-56 truncate px-3 py-2 font-medium">
                    {/* The orders list searches by part of a customer name (q). */}
                    <Link
                      href={`/orders?q=${encodeURIComponent(c.name)}`}
                      title={`Orders of ${c.name}`}
                      className="rounded text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                    >
                      {c.name}
                    </Link>
                    <span
                      data-testid="customer-facts"
                      className="block text-xs font-normal whitespace-normal text-slate-600 sm:hidden"
                    >
                      {c.lastOrderAt ? (
                        <>
                          Last order <LocalTime iso={c.lastOrderAt} />
                        </>
                      ) : (
                        'No orders yet'
                      )}
                      {c.cancelledOrders > 0 && (
                        <span className="block">
                          {count(c.cancelledOrders)} cancelled · {money(c.cancelledAmount)}
                        </span>
                      )}
                    </span>
                  </th>
                  <td className="px-3 py-2 text-right">{count(c.totalOrders)}</td>
                  <td className="px-3 py-2 text-right">{money(c.totalSpent)}</td>
                  <td className={`px-3 py-2 text-right text-slate-600 ${WIDE_ONLY}`}>
                    {c.cancelledOrders > 0 ? `${count(c.cancelledOrders)} · ${money(c.cancelledAmount)}` : '—'}
                  </td>
                  <td className={`px-3 py-2 text-slate-600 ${WIDE_ONLY}`}>
                    {c.lastOrderAt ? <LocalTime iso={c.lastOrderAt} /> : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {query.isError && data && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          Could not refresh: {query.error.message}
        </p>
      )}

      {data && data.total > 0 && (
        <nav aria-label="Customer pages" className="mt-3 flex items-center justify-between gap-2 text-sm">
          <Button variant="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </Button>
          <span className="text-slate-600" aria-live="polite">
            Page {count(data.page)} of {count(pages)}
          </span>
          <Button
            variant="secondary"
            disabled={page >= pages || query.isPlaceholderData}
            onClick={() => setPage(page + 1)}
          >
            Next
          </Button>
        </nav>
      )}
    </Panel>
  );
}

const SORT_NAMES: Record<CustomerSort, string> = {
  spent: 'amount spent',
  orders: 'number of orders',
  name: 'name',
  last: 'latest order',
};
/** "Amount spent": the sort's name as an option of the phone's sort menu. */
const sortLabel = (sort: CustomerSort) => SORT_NAMES[sort].charAt(0).toUpperCase() + SORT_NAMES[sort].slice(1);

/** Columns a phone leaves out: the name cell repeats them below the name. */
const WIDE_ONLY = 'hidden sm:table-cell';

/** A column header that sorts the table by its column; the sorted one says so (aria-sort) and shows an arrow. */
function SortHeader({
  sort,
  value,
  setSort,
  numeric = false,
  className = '',
  children,
}: {
  sort: CustomerSort;
  value: CustomerSort;
  setSort: (sort: CustomerSort) => void;
  numeric?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const active = sort === value;
  // Names go A–Z; amounts, counts and dates biggest or newest first.
  const direction = value === 'name' ? 'ascending' : 'descending';
  return (
    <th
      scope="col"
      aria-sort={active ? direction : undefined}
      className={`p-0 font-medium ${numeric ? 'text-right' : ''} ${className}`}
    >
      <button
        type="button"
        onClick={() => setSort(value)}
        className={`inline-flex min-h-9 w-full items-center gap-1 px-3 py-2 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 ${
          numeric ? 'justify-end' : ''
        } ${active ? 'text-slate-900' : ''}`}
      >
        {children}
        <span aria-hidden="true" className={active ? 'text-indigo-700' : 'text-transparent'}>
          {direction === 'ascending' ? '↑' : '↓'}
        </span>
      </button>
    </th>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function TableSkeleton({ historic }: { historic: boolean }) {
  return (
    <div aria-busy="true" className="space-y-2">
      <span className="sr-only">
        {historic ? 'Computing customer statistics as of that moment…' : 'Loading customers…'}
      </span>
      {Array.from({ length: 6 }, (_, i) => (
        <Skeleton key={i} className="h-8 w-full" />
      ))}
    </div>
  );
}
