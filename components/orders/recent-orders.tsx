import Link from 'next/link';
import { formatMoney } from '@/components/format/money';
import { LocalTime } from '@/components/format/local-time';
import { buttonClass } from '@/components/ui/button';

export type RecentOrder = {
  orderId: string;
  customerName: string;
  total: number;
  currency: string;
  placedAt: string;
};

export function RecentOrders({ orders }: { orders: RecentOrder[] }) {
  if (orders.length === 0) return <NoOrders />;
  return (
    <ul
      aria-label="Recent orders"
      className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      {orders.map((order) => (
        <li key={order.orderId}>
          <Link
            href={`/orders/${order.orderId}`}
            className="flex items-center justify-between gap-4 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 sm:px-5"
          >
            <div className="min-w-0">
              <p className="truncate font-medium text-slate-900">{order.customerName}</p>
              <p className="mt-0.5 text-xs text-slate-500">
                <span className="font-mono">#{order.orderId.slice(0, 8)}</span>
                <span aria-hidden="true"> · </span>
                <LocalTime iso={order.placedAt} />
              </p>
            </div>
            <div className="flex shrink-0 items-center gap-3">
              <span className="font-medium tabular-nums text-slate-900">
                {formatMoney(order.total, order.currency)}
              </span>
              <svg viewBox="0 0 20 20" className="size-4 text-slate-400" aria-hidden="true">
                <path d="M7 4l6 6-6 6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              </svg>
            </div>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function NoOrders() {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <h2 className="font-semibold text-slate-900">No orders yet</h2>
      <p className="mt-1 text-sm text-slate-600">Orders appear here as soon as they are placed.</p>
      <Link href="/orders/new" className={buttonClass('primary', 'mt-4')}>
        Place the first order
      </Link>
    </div>
  );
}
