'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useIsMutating, useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper, rowSortingFeature, tableFeatures, useTable } from '@tanstack/react-table';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { formatMoney } from '@/components/format/money';
import { LocalTime } from '@/components/format/local-time';
import { useInBrowser } from '@/components/format/use-in-browser';
import { ErrorBanner } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { projectionsQuery } from '@/lib/client/queries';
import {
  getSocket,
  hasCaughtUp,
  recordCheckpoints,
  useLiveProjection,
  useProjectionCheckpoints,
} from '@/lib/live/client';
import { belongsOnFirstPage, ordersListKey, ordersQuery } from '@/lib/read-models/order-summaries/client';
import { ORDER_PAGE_SIZES, type OrderSort, type SortDirection } from '@/lib/read-models/order-summaries/list-params';
import { ORDER_SUMMARIES } from '@/lib/read-models/order-summaries/live';
import { useCan } from '@/components/auth/user-context';
import { CancelDialog } from './cancel-dialog';
import { ListFilters } from './list-filters';
import { PlaceOrderPanel } from './place-order-panel';
import { RowMenu } from './row-menu';
import { TEMP_ID_PREFIX, type OrderRow as Row, type RowSync } from './types';
import { apiParams, listSearch, readListState, type ListState } from './url-state';
import { ordersMutationKey, useOrderCommands } from './use-order-commands';

const PROJECTION = ORDER_SUMMARIES;
const LIVE_ROOMS = ['orders', 'projections'];

type RowStatus = Row['status'] | 'cancelling';
type ShownRow = Row & { shown: { status: RowStatus; sync: RowSync; error?: string | undefined } };

const STATUS: Record<RowStatus, { label: string; className: string }> = {
  placed: { label: 'Placed', className: 'bg-sky-50 text-sky-800 ring-sky-600/20' },
  shipped: { label: 'Shipped', className: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20' },
  cancelled: { label: 'Cancelled', className: 'bg-slate-100 text-slate-700 ring-slate-500/20' },
  cancelling: { label: 'Cancelled (pending)', className: 'bg-amber-50 text-amber-800 ring-amber-600/20' },
};

/** Which way a column sorts first: newest, largest first; names and statuses A to Z. */
const FIRST_DIRECTION: Record<OrderSort, SortDirection> = {
  placed: 'desc',
  changed: 'desc',
  total: 'desc',
  customer: 'asc',
  status: 'asc',
};

const features = tableFeatures({ rowSortingFeature });
const column = createColumnHelper<typeof features, ShownRow>();
const NO_ROWS: ShownRow[] = [];

const shortId = (row: Row) => (row.orderId.startsWith(TEMP_ID_PREFIX) ? 'new' : row.orderId.slice(0, 8));
const isTemp = (row: Row) => row.orderId.startsWith(TEMP_ID_PREFIX);

export function OrdersTable() {
  const mayWrite = useCan('orders:write');
  const client = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const state = useMemo(() => readListState(search), [search]);
  const params = useMemo(() => apiParams(state), [state]);
  const orders = useQuery(ordersQuery(params));
  const commands = useOrderCommands();
  const checkpoints = useProjectionCheckpoints();
  const [cancelling, setCancelling] = useState<Row | null>(null);
  // Says when the list answers to input (hydrated): what a test waits for before typing.
  const interactive = useInBrowser();

  /** A new list state into the address bar: pushed (back returns to it) or, while typing, replaced. */
  const go = useCallback(
    (next: ListState, how: 'push' | 'replace' = 'push') => {
      const url = `${pathname}${listSearch(next)}`;
      if (how === 'push') router.push(url, { scroll: false });
      else router.replace(url, { scroll: false });
    },
    [pathname, router],
  );

  // Seed checkpoints once, so rows confirm even before the next batch is pushed.
  const projections = useQuery(projectionsQuery());
  useEffect(() => {
    if (projections.data) recordCheckpoints(projections.data);
  }, [projections.data]);

  // A push never lands on an optimistic row: while a command is in flight the
  // refresh waits, and runs once the last one has settled.
  const deferred = useRef(false);
  const mutating = useIsMutating({ mutationKey: ordersMutationKey });
  const busy = useCallback(() => client.isMutating({ mutationKey: ordersMutationKey }) > 0, [client]);
  const refresh = useCallback(async () => {
    await client.cancelQueries({ queryKey: ordersListKey });
    await client.invalidateQueries({ queryKey: ordersListKey });
  }, [client]);
  useLiveProjection(LIVE_ROOMS, (message) => {
    if (message.type === 'projection' && message.message.projection !== PROJECTION) return;
    if (busy()) {
      deferred.current = true;
      return;
    }
    void refresh();
  });
  // The first page may have been read (on the server) before this tab joined
  // its rooms, and a batch committed in between is never pushed to it: read
  // the list once more right after joining.
  useEffect(() => {
    const socket = getSocket();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const afterJoin = () => {
      timer = setTimeout(() => {
        if (busy()) deferred.current = true;
        else void refresh();
      }, 200);
    };
    if (socket.connected) afterJoin();
    else socket.once('connect', afterJoin);
    return () => {
      clearTimeout(timer);
      socket.off('connect', afterJoin);
    };
  }, [busy, refresh]);
  useEffect(() => {
    if (mutating > 0 || !deferred.current) return;
    deferred.current = false;
    void refresh();
  }, [mutating, refresh]);

  const fetched = orders.data?.orders;
  const rows = useMemo((): ShownRow[] => {
    if (!fetched) return NO_ROWS;
    const listed = new Set(fetched.map((row) => row.orderId));
    // Accepted orders the read model does not list yet stay on top of the first page.
    const waiting = Object.entries(commands.accepted).flatMap(([id, write]) =>
      write.kind === 'place' && !listed.has(id) && belongsOnFirstPage(write.row, params) ? [write.row] : [],
    );
    const view = (row: Row): ShownRow['shown'] => {
      const write = commands.accepted[row.orderId];
      if (row.local === 'placing') return { status: 'placed', sync: 'pending' };
      if (row.local === 'cancelling') return { status: 'cancelling', sync: 'pending' };
      if (!write) return { status: row.status, sync: null };
      const caughtUp = hasCaughtUp(checkpoints, PROJECTION, write.position);
      // Caught up but not refetched yet: the row still holds the status from before the cancel.
      if (!caughtUp || (write.kind === 'cancel' && row.status === 'placed')) {
        return { status: write.kind === 'cancel' ? 'cancelling' : row.status, sync: 'pending' };
      }
      return { status: row.status, sync: 'confirmed' };
    };
    return [...waiting.reverse(), ...fetched].map((row) => ({
      ...row,
      shown: { ...view(row), error: commands.rowErrors[row.orderId] },
    }));
  }, [fetched, commands.accepted, commands.rowErrors, checkpoints, params]);

  const columns = useMemo(
    () =>
      column.columns([
        column.accessor('placedAt', {
          id: 'placed',
          header: 'Placed',
          cell: ({ row }) => <LocalTime iso={row.original.placedAt} />,
        }),
        column.accessor('customerName', {
          id: 'customer',
          header: 'Customer',
          cell: ({ row }) => <CustomerCell row={row.original} />,
        }),
        column.accessor('status', {
          id: 'status',
          header: 'Status',
          cell: ({ row }) => <StatusCell row={row.original} onDismiss={commands.dismissRowError} />,
        }),
        column.accessor('total', {
          id: 'total',
          header: 'Total',
          cell: ({ row }) => formatMoney(row.original.total, row.original.currency),
        }),
        column.accessor('lastChangeAt', {
          id: 'changed',
          header: 'Last change',
          cell: ({ row }) => <LocalTime iso={row.original.lastChangeAt} />,
        }),
        column.display({
          id: 'actions',
          header: () => <span className="sr-only">Actions</span>,
          enableSorting: false,
          cell: ({ row }) => {
            const r = row.original;
            if (isTemp(r)) return null;
            const canCancel = mayWrite && r.shown.status === 'placed' && !r.local;
            return (
              <RowMenu
                orderId={r.orderId}
                label={`order #${shortId(r)}`}
                onCancel={canCancel ? () => setCancelling(r) : undefined}
              />
            );
          },
        }),
      ]),
    [mayWrite, commands.dismissRowError],
  );

  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (row) => row.orderId,
    manualSorting: true,
    enableSortingRemoval: false,
    state: { sorting: [{ id: state.sort, desc: state.dir === 'desc' }] },
  });

  function sortBy(sort: OrderSort) {
    const dir = state.sort === sort ? (state.dir === 'asc' ? 'desc' : 'asc') : FIRST_DIRECTION[sort];
    go({ ...state, sort, dir, cursor: undefined, before: undefined });
  }

  const page = orders.data;
  const total = page?.total;
  const onFirstPage = !state.cursor && !state.before;
  const cancelSubject = cancelling
    ? `order #${shortId(cancelling)} for ${cancelling.customerName ?? 'an unknown customer'}`
    : null;

  return (
    <div className="space-y-4" data-interactive={interactive || undefined}>
      {mayWrite && <PlaceOrderPanel commands={commands} />}
      <ListFilters state={state} onChange={go} />

      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
        <p data-testid="orders-total" aria-live="polite">
          {total
            ? `${total.exact ? total.count.toLocaleString('en-GB') : `More than ${total.count.toLocaleString('en-GB')}`} ${
                total.count === 1 && total.exact ? 'order' : 'orders'
              }`
            : '\u00a0'}
        </p>
        <label className="flex items-center gap-2">
          Rows per page
          <select
            value={state.size}
            onChange={(event) =>
              go({ ...state, size: Number(event.target.value), cursor: undefined, before: undefined })
            }
            className="rounded-lg border-0 bg-white py-1 pr-8 pl-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
          >
            {ORDER_PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>

      {orders.isPending ? (
        <div
          aria-busy="true"
          className="rounded-xl border border-slate-200 bg-white px-5 py-10 text-center text-sm text-slate-600"
        >
          Loading orders…
        </div>
      ) : orders.isError ? (
        <ErrorBanner
          title="The orders could not be loaded"
          action={
            <Button variant="secondary" className="min-h-8 px-3 py-1" onClick={() => void orders.refetch()}>
              Try again
            </Button>
          }
        >
          {orders.error.message}
        </ErrorBanner>
      ) : (
        <div className="rounded-xl border border-slate-200 bg-white shadow-sm">
          <table aria-label="Orders" aria-busy={orders.isPlaceholderData || undefined} className="w-full text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => {
                    const id = header.column.id;
                    const sorted = header.column.getIsSorted();
                    const sortable = id !== 'actions';
                    return (
                      <th
                        key={header.id}
                        scope="col"
                        aria-sort={sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : undefined}
                        className={`px-1.5 py-2 first:pl-3 last:pr-2 sm:px-3 sm:first:pl-5 sm:last:pr-4 ${CELL_CLASS[id] ?? ''}`}
                      >
                        {sortable ? (
                          <button
                            type="button"
                            onClick={() => sortBy(id as OrderSort)}
                            className="inline-flex items-center gap-1 rounded uppercase hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
                          >
                            <table.FlexRender header={header} />
                            <SortIcon sorted={sorted} />
                          </button>
                        ) : (
                          <table.FlexRender header={header} />
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody className="divide-y divide-slate-200">
              {table.getRowModel().rows.length === 0 ? (
                <tr>
                  <td colSpan={columns.length} className="px-6 py-12 text-center">
                    <p className="font-semibold text-slate-900">No orders match</p>
                    <p className="mt-1 text-sm text-slate-600">
                      {state.q || state.status || state.from || state.to || state.customerId
                        ? 'Try another search or clear the filters.'
                        : 'Orders appear here as soon as they are placed.'}
                    </p>
                  </td>
                </tr>
              ) : (
                table.getRowModel().rows.map((row) => {
                  const r = row.original;
                  return (
                    <tr
                      key={row.id}
                      data-testid="order-row"
                      data-order-id={isTemp(r) ? undefined : r.orderId}
                      aria-busy={r.shown.sync === 'pending' || undefined}
                      className="align-middle"
                    >
                      {row.getAllCells().map((cell) => {
                        const id = cell.column.id;
                        const Tag = id === 'customer' ? 'th' : 'td';
                        return (
                          <Tag
                            key={cell.id}
                            scope={Tag === 'th' ? 'row' : undefined}
                            className={`px-1.5 py-3 text-left font-normal first:pl-3 last:pr-2 sm:px-3 sm:first:pl-5 sm:last:pr-4 ${CELL_CLASS[id] ?? ''}`}
                          >
                            <table.FlexRender cell={cell} />
                          </Tag>
                        );
                      })}
                    </tr>
                  );
                })
              )}
            </tbody>
          </table>
        </div>
      )}

      {page && (page.prevCursor || page.nextCursor) && (
        <nav aria-label="Pages" className="flex items-center justify-between gap-2">
          <div className="flex gap-2">
            {!onFirstPage && (
              <Button variant="ghost" onClick={() => go({ ...state, cursor: undefined, before: undefined })}>
                First page
              </Button>
            )}
          </div>
          <div className="flex gap-2">
            <Button
              variant="secondary"
              disabled={!page.prevCursor}
              onClick={() => go({ ...state, cursor: undefined, before: page.prevCursor ?? undefined })}
            >
              Previous
            </Button>
            <Button
              variant="secondary"
              disabled={!page.nextCursor}
              onClick={() => go({ ...state, before: undefined, cursor: page.nextCursor ?? undefined })}
            >
              Next
            </Button>
          </div>
        </nav>
      )}

      <CancelDialog
        subject={cancelSubject}
        onClose={() => setCancelling(null)}
        onConfirm={(reason, reasonCode) => cancelling && commands.cancelOrder(cancelling, reason, reasonCode)}
      />
    </div>
  );
}

/** Columns that a phone leaves out: the customer cell repeats their facts below the name. */
const CELL_CLASS: Record<string, string> = {
  placed: 'hidden md:table-cell whitespace-nowrap text-slate-600',
  customer: 'break-words',
  status: '',
  total: 'text-right! whitespace-nowrap tabular-nums font-medium text-slate-900',
  changed: 'hidden lg:table-cell whitespace-nowrap text-slate-600',
  actions: 'w-11 text-right!',
};

function CustomerCell({ row }: { row: ShownRow }) {
  const name = row.customerName ?? 'Unknown customer';
  const short = shortId(row);
  return (
    <div className="min-w-0">
      {isTemp(row) ? (
        <span className="font-medium text-slate-900">{name}</span>
      ) : (
        <Link
          href={`/orders/${row.orderId}`}
          className="font-medium text-slate-900 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          {name}
          <span className="sr-only">, order #{short}</span>
        </Link>
      )}
      <p className="mt-0.5 text-xs text-slate-500">
        <span className="font-mono">#{short}</span>
        <span aria-hidden="true"> · </span>
        {row.itemCount} {row.itemCount === 1 ? 'item' : 'items'}
        <span className="md:hidden">
          <span aria-hidden="true"> · </span>
          <LocalTime iso={row.placedAt} />
        </span>
      </p>
    </div>
  );
}

function StatusCell({ row, onDismiss }: { row: ShownRow; onDismiss: (orderId: string) => void }) {
  const badge = STATUS[row.shown.status];
  return (
    <div className="flex max-w-xs flex-wrap items-center gap-1.5">
      <span
        data-testid="order-status"
        className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset sm:px-2.5 sm:text-sm ${badge.className}`}
      >
        <span className="size-1.5 rounded-full bg-current" aria-hidden="true" />
        {badge.label}
      </span>
      {row.shown.sync && (
        <span
          data-testid="order-sync"
          role="status"
          className={`text-xs font-medium ${row.shown.sync === 'pending' ? 'text-amber-700' : 'text-emerald-700'}`}
        >
          {row.shown.sync === 'pending' ? 'Pending' : 'Confirmed'}
        </span>
      )}
      {row.shown.error && (
        <div role="alert" className="w-full rounded-lg border border-red-200 bg-red-50 p-2 text-xs text-red-800">
          <p className="break-anywhere">{row.shown.error}</p>
          <button type="button" onClick={() => onDismiss(row.orderId)} className="mt-1 font-medium underline">
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}

function SortIcon({ sorted }: { sorted: false | 'asc' | 'desc' }) {
  return (
    <svg viewBox="0 0 20 20" className={`size-3.5 ${sorted ? 'text-slate-900' : 'text-slate-400'}`} aria-hidden="true">
      {sorted !== 'desc' && <path d="M6 8l4-4 4 4" fill="none" stroke="currentColor" strokeWidth="2" />}
      {sorted !== 'asc' && <path d="M6 12l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="2" />}
    </svg>
  );
}
