'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { LocalTime } from '@/components/format/local-time';
import { Button } from '@/components/ui/button';
import { AsOfTime } from './as-of-time';
import { count, money } from './format';
import { Panel, PanelEmpty, PanelError, Skeleton } from './panel';
import { customerStatsQuery, type CustomerSort } from '@/lib/read-models/customer-stats/client';

const PAGE_SIZE = 25;
const SEARCH_DEBOUNCE_MS = 300;

/** Sort, search and page of the customer table, and the query they make. */
export type CustomerStats = ReturnType<typeof useCustomerStats>;

/**
 * The table's state, kept by the dashboard rather than the table so that a
 * search survives switching between live and a past moment. The server
 * sorts, searches and pages (GET /api/stats/customers, with `at` for a past
 * moment), so the table stays one page of rows however many customers there are.
 */
export function useCustomerStats(at: string | null) {
  const [sort, setSort] = useState<CustomerSort>('spent');
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), SEARCH_DEBOUNCE_MS);
  // The page belongs to one search, sort and moment: a new one starts from its first page.
  const listKey = `${sort}\n${q}\n${at ?? ''}`;
  const [paging, setPaging] = useState({ listKey, page: 1 });
  const page = paging.listKey === listKey ? paging.page : 1;
  const setPage = (next: number) => setPaging({ listKey, page: Math.max(1, next) });
  const query = useQuery(customerStatsQuery({ sort, page, pageSize: PAGE_SIZE, q, at }));
  return { at, sort, setSort, text, setText, q, page, setPage, query };
}

export function CustomerTable({ stats }: { stats: CustomerStats }) {
  const { at, sort, setSort, text, setText, q, page, setPage, query } = stats;
  const searchId = useId();
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
            Historic · as of <AsOfTime date={new Date(data.asOf)} compact />
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
        <fieldset className="shrink-0">
          <legend className="text-sm font-medium text-slate-700">Sort by</legend>
          <div className="mt-1 inline-flex rounded-lg ring-1 ring-slate-300 ring-inset">
            {(['spent', 'orders'] as const).map((value) => (
              <label
                key={value}
                className={`flex min-h-10 cursor-pointer items-center px-3 text-sm first:rounded-l-lg last:rounded-r-lg has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 ${
                  sort === value ? 'bg-indigo-600 font-medium text-white' : 'bg-white text-slate-700 hover:bg-slate-50'
                }`}
              >
                <input
                  type="radio"
                  name="customer-sort"
                  value={value}
                  checked={sort === value}
                  onChange={() => setSort(value)}
                  className="sr-only"
                />
                {value === 'spent' ? 'Spent' : 'Orders'}
              </label>
            ))}
          </div>
        </fieldset>
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
          <table className="w-full min-w-[36rem] text-left text-sm">
            <caption className="sr-only">
              Customers sorted by {sort === 'spent' ? 'amount spent' : 'number of orders'}
              {data.asOf ? `, as of ${data.asOf}` : ''}, page {data.page} of {pages}
            </caption>
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Customer
                </th>
                <th
                  scope="col"
                  className="px-3 py-2 text-right font-medium"
                  aria-sort={sort === 'orders' ? 'descending' : undefined}
                >
                  Orders
                </th>
                <th
                  scope="col"
                  className="px-3 py-2 text-right font-medium"
                  aria-sort={sort === 'spent' ? 'descending' : undefined}
                >
                  Spent
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Cancelled
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Last order
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 tabular-nums">
              {data.customers.map((c) => (
                <tr key={c.customerId} className="hover:bg-slate-50">
                  <th scope="row" className="max-w-56 truncate px-3 py-2 font-medium text-slate-900">
                    {c.name}
                  </th>
                  <td className="px-3 py-2 text-right">{count(c.totalOrders)}</td>
                  <td className="px-3 py-2 text-right">{money(c.totalSpent)}</td>
                  <td className="px-3 py-2 text-right text-slate-600">
                    {c.cancelledOrders > 0 ? `${count(c.cancelledOrders)} · ${money(c.cancelledAmount)}` : '—'}
                  </td>
                  <td className="px-3 py-2 text-slate-600">
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
