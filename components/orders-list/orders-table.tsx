'use client';

import { useInfiniteQuery, useIsMutating, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { findCustomer } from '@/components/orders/customer-picker';
import { ErrorBanner } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { controlClass } from '@/components/ui/field';
import { customersQuery, projectionsQuery } from '@/lib/client/queries';
import {
  getSocket,
  hasCaughtUp,
  recordCheckpoints,
  useLiveProjection,
  useProjectionCheckpoints,
} from '@/lib/live/client';
import { ordersListKey, ordersQuery, type OrdersFilter } from '@/lib/read-models/order-summaries/client';
import { ORDER_SUMMARIES } from '@/lib/read-models/order-summaries/live';
import type { OrderStatus } from '@/lib/read-models/order-summaries/types';
import { OrderRow } from './order-row';
import { PlaceOrderPanel } from './place-order-panel';
import { ORDER_STATUSES, type OrderRow as Row, type RowSync } from './types';
import { ordersMutationKey, useOrderCommands } from './use-order-commands';
import { useCan } from '@/components/auth/user-context';

const PROJECTION = ORDER_SUMMARIES;
const LIVE_ROOMS = ['orders', 'projections'];

function matches(row: Row, filter: OrdersFilter) {
  return (
    (!filter.status || filter.status === row.status) && (!filter.customerId || filter.customerId === row.customerId)
  );
}

export function OrdersTable() {
  const mayWrite = useCan('orders:write');
  const client = useQueryClient();
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const [customerText, setCustomerText] = useState('');
  const customers = useQuery(customersQuery());
  const customer = findCustomer(customers.data ?? [], customerText);
  const filter: OrdersFilter = { status: status || undefined, customerId: customer?.id };
  const orders = useInfiniteQuery(ordersQuery(filter));
  const commands = useOrderCommands();
  const checkpoints = useProjectionCheckpoints();

  // Seed checkpoints once, so rows confirm even before the next batch is pushed.
  const projections = useQuery(projectionsQuery());
  useEffect(() => {
    if (projections.data) recordCheckpoints(projections.data);
  }, [projections.data]);

  // A push never lands on an optimistic row: while a command is in flight the
  // refresh waits, and runs once the last one has settled. It waits for
  // "Load more" too: cancelling a next-page fetch would drop that page.
  const deferred = useRef(false);
  const mutating = useIsMutating({ mutationKey: ordersMutationKey });
  const loadingMore = orders.isFetchingNextPage;
  const busy = useCallback(
    () =>
      client.isMutating({ mutationKey: ordersMutationKey }) > 0 ||
      client
        .getQueryCache()
        .findAll({ queryKey: ordersListKey, fetchStatus: 'fetching' })
        .some((query) => query.state.fetchMeta?.fetchMore !== undefined),
    [client],
  );
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
    if (mutating > 0 || loadingMore || !deferred.current) return;
    deferred.current = false;
    void refresh();
  }, [mutating, loadingMore, refresh]);

  const fetched = orders.data?.pages.flatMap((page) => page.orders) ?? [];
  const shown = new Set(fetched.map((row) => row.orderId));
  // Accepted orders the read model does not list yet stay on top.
  const waiting = Object.entries(commands.accepted).flatMap(([id, write]) =>
    write.kind === 'place' && !shown.has(id) && matches(write.row, filter) ? [write.row] : [],
  );
  const rows = [...waiting.reverse(), ...fetched];

  function view(row: Row): { status: Row['status'] | 'cancelling'; sync: RowSync } {
    const write = commands.accepted[row.orderId];
    const caughtUp = write ? hasCaughtUp(checkpoints, PROJECTION, write.position) : false;
    if (row.local === 'placing') return { status: 'placed', sync: 'pending' };
    if (row.local === 'cancelling') return { status: 'cancelling', sync: 'pending' };
    if (!write) return { status: row.status, sync: null };
    // Caught up but not refetched yet: the row still holds the status from before the cancel.
    if (!caughtUp || (write.kind === 'cancel' && row.status === 'placed')) {
      return { status: write.kind === 'cancel' ? 'cancelling' : row.status, sync: 'pending' };
    }
    return { status: row.status, sync: 'confirmed' };
  }

  return (
    <div className="space-y-4">
      {mayWrite && <PlaceOrderPanel commands={commands} />}
      <div className="min-w-0 space-y-4">
        <form
          role="search"
          aria-label="Filter orders"
          onSubmit={(event) => event.preventDefault()}
          className="grid grid-cols-1 gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2"
        >
          <div>
            <label htmlFor="filter-status" className="mb-1 block text-sm font-medium text-slate-700">
              Status
            </label>
            <select
              id="filter-status"
              value={status}
              onChange={(event) => setStatus(event.target.value as OrderStatus | '')}
              className={controlClass}
            >
              <option value="">All statuses</option>
              {ORDER_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s[0]!.toUpperCase() + s.slice(1)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="filter-customer" className="mb-1 block text-sm font-medium text-slate-700">
              Customer filter
            </label>
            <input
              id="filter-customer"
              type="search"
              list="filter-customer-options"
              value={customerText}
              onChange={(event) => setCustomerText(event.target.value)}
              placeholder="All customers"
              autoComplete="off"
              aria-describedby="filter-customer-hint"
              className={controlClass}
            />
            <datalist id="filter-customer-options">
              {customers.data?.map((c) => (
                <option key={c.id} value={c.name} />
              ))}
            </datalist>
            <p id="filter-customer-hint" className="mt-1 text-xs text-slate-500">
              {customer
                ? `Showing ${customer.name}`
                : customerText.trim()
                  ? 'No exact match: showing all customers.'
                  : 'Type a name to narrow the list.'}
            </p>
          </div>
        </form>

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
        ) : rows.length === 0 ? (
          <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
            <h2 className="font-semibold text-slate-900">No orders match</h2>
            <p className="mt-1 text-sm text-slate-600">Orders appear here as soon as they are placed.</p>
          </div>
        ) : (
          <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
            <div
              aria-hidden="true"
              className="hidden grid-cols-[minmax(0,1fr)_11rem_7rem_6.5rem] gap-x-4 border-b border-slate-200 bg-slate-50 px-5 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase sm:grid"
            >
              <span>Customer</span>
              <span>Status</span>
              <span className="text-right">Total</span>
              <span />
            </div>
            <ul aria-label="Recent orders" className="divide-y divide-slate-200">
              {rows.map((row) => {
                const { status: rowStatus, sync } = view(row);
                return (
                  <OrderRow
                    key={row.orderId}
                    row={row}
                    status={rowStatus}
                    sync={sync}
                    error={commands.rowErrors[row.orderId]}
                    onCancel={commands.cancelOrder}
                    onDismissError={() => commands.dismissRowError(row.orderId)}
                  />
                );
              })}
            </ul>
          </div>
        )}

        {orders.hasNextPage && (
          <div className="flex justify-center">
            <Button variant="secondary" pending={orders.isFetchingNextPage} onClick={() => void orders.fetchNextPage()}>
              Load more
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
