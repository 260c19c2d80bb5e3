import Link from 'next/link';
import { cancelReasonLabel } from '@/lib/domain/order/rules';
import type { OrderView } from '@/lib/queries/get-order';
import { LocalTime } from '@/components/format/local-time';
import { Card } from './card';
import { OrderActions } from './order-actions';
import { AddressCard } from './address-card';
import { OrderDates } from './order-facts';
import { OrderHistory } from './order-history';
import { OrderLines } from './order-lines';
import { StatusBadge } from './status-badge';

type OrderDetailProps = {
  view: OrderView;
  customer: { name: string; email: string } | null;
};

/**
 * The order as its own event stream says it is now. On a phone the actions
 * follow the lines; on a wide screen they stay in a column beside everything,
 * and the last row absorbs their height so the cards on the left keep theirs.
 */
export function OrderDetail({ view, customer }: OrderDetailProps) {
  const { order, version, events, refused } = view;

  return (
    <div>
      <div className="mb-6">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Order #{order.orderId.slice(0, 8)}</h1>
          <StatusBadge status={order.status} />
        </div>
        <p className="mt-2 text-sm text-slate-900 break-anywhere">
          <span className="font-medium">{customer?.name ?? 'Unknown customer'}</span>
          {customer && <span className="text-slate-500"> · {customer.email}</span>}
        </p>
        <p className="mt-0.5 text-sm text-slate-600">
          Placed <LocalTime iso={order.placedAt} />
          <span aria-hidden="true"> · </span>
          <span data-testid="order-version">Version {version}</span>
        </p>
        <p className="mt-0.5 font-mono text-xs text-slate-600 break-anywhere">{order.orderId}</p>
      </div>

      {order.status === 'cancelled' && (
        <div className="mb-6 rounded-lg border border-slate-200 bg-slate-100 p-3 text-sm text-slate-700 break-anywhere">
          <span className="font-medium">Cancelled</span> <LocalTime iso={order.cancelledAt} />.{' '}
          <span data-testid="cancel-reason-code">{cancelReasonLabel(order.cancelReasonCode)}</span>:{' '}
          {order.cancelReason}
        </div>
      )}

      {refused && (
        <div
          role="alert"
          data-testid="history-refused"
          className="mb-6 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800 break-anywhere"
        >
          <span className="font-medium">Version {refused.version} cannot be applied.</span> The order&apos;s rules
          refuse its {refused.eventType} event: {refused.reason}. Shown is the order before it; no command is taken on
          it. The{' '}
          <Link href={`/orders/${order.orderId}/audit`} className="font-medium underline">
            audit timeline
          </Link>{' '}
          shows every event.
        </div>
      )}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3 lg:grid-rows-[auto_auto_1fr] lg:items-start">
        <Card id="lines" title="Items" className="lg:col-span-2">
          <OrderLines order={order} />
        </Card>

        <Card
          id="actions"
          title="Actions"
          className="lg:sticky lg:top-6 lg:col-start-3 lg:row-span-3 lg:row-start-1 lg:self-start"
        >
          {refused ? (
            <p className="text-sm text-slate-600">
              No command can be taken on this order while its history holds an event the order&apos;s rules refuse.
            </p>
          ) : (
            <OrderActions
              orderId={order.orderId}
              version={version}
              status={order.status}
              currency={order.currency}
              total={order.total}
            />
          )}
        </Card>

        <div className="grid grid-cols-1 gap-6 sm:grid-cols-2 lg:col-span-2">
          <AddressCard order={order} version={version} editable={!refused} />
          <Card id="dates" title="Timeline">
            <OrderDates order={order} />
          </Card>
        </div>

        <Card
          id="history"
          title="History"
          className="lg:col-span-2"
          actions={
            <span className="flex items-center gap-3 text-xs text-slate-500">
              {events.length} {events.length === 1 ? 'event' : 'events'}
              <Link
                href={`/orders/${order.orderId}/audit`}
                data-testid="audit-link"
                className="rounded font-medium text-indigo-700 hover:text-indigo-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
              >
                Audit timeline <span aria-hidden="true">→</span>
              </Link>
            </span>
          }
        >
          <OrderHistory events={events} currency={order.currency} />
        </Card>
      </div>
    </div>
  );
}
