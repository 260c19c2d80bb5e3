import { CANCEL_REASON_NOT_RECORDED } from '@/lib/domain/order/rules';
import type { CancellationsByReason } from '@/lib/read-models/order-metrics/types';
import { count, money } from './format';
import { Panel, PanelEmpty } from './panel';

/**
 * All-time cancellations per reason code, from a version of the metrics projection that
 * counts them (the caller shows this only then). "Not recorded" (cancelled
 * before there were codes) is listed only when there are such orders.
 */
export function CancelReasons({ reasons }: { reasons: readonly CancellationsByReason[] }) {
  const shown = reasons.filter((r) => r.reasonCode !== CANCEL_REASON_NOT_RECORDED || r.orders > 0);
  const total = shown.reduce((n, r) => n + r.orders, 0);
  return (
    <Panel
      title="Cancellations by reason"
      description={`All time: ${count(total)} cancelled ${total === 1 ? 'order' : 'orders'}`}
    >
      {total === 0 ? (
        <PanelEmpty>No order has been cancelled yet.</PanelEmpty>
      ) : (
        <ul className="space-y-3">
          {shown.map((r) => (
            <li key={r.reasonCode}>
              <div className="flex items-baseline justify-between gap-3 text-sm">
                <span className={`min-w-0 truncate ${r.orders ? 'text-slate-900' : 'text-slate-500'}`}>{r.label}</span>
                <span className="shrink-0 tabular-nums text-slate-600">
                  <span className="font-medium text-slate-900">{count(r.orders)}</span>
                  <span aria-hidden="true"> · </span>
                  <span className="sr-only">, </span>
                  {money(r.amount)}
                </span>
              </div>
              {/* The bar is the reason's share of all cancellations. */}
              <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100" aria-hidden="true">
                <div className="h-full rounded-full bg-rose-500" style={{ width: `${(r.orders / total) * 100}%` }} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
