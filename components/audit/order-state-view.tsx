import type { ReactNode } from 'react';
import { changeAt, formatAmount, type ChangeKind, type FieldChange } from '@/lib/audit';
import type { OrderState } from '@/lib/domain/order';
import { LocalTime } from '@/components/format/local-time';
import { StatusBadge } from '@/components/orders/status-badge';

const MARK: Record<ChangeKind, { className: string; label: string }> = {
  added: { className: 'bg-emerald-50 ring-emerald-300', label: 'new' },
  changed: { className: 'bg-amber-100 ring-amber-300', label: 'changed' },
  removed: { className: 'bg-red-50 ring-red-300', label: 'removed' },
};

/** Highlights what the selected event changed; says so in words too, for screen readers and print. */
function Mark({ kind, children, block = false }: { kind: ChangeKind | null; children: ReactNode; block?: boolean }) {
  if (!kind) return <>{children}</>;
  const { className, label } = MARK[kind];
  const Tag = block ? 'div' : 'span';
  return (
    // Inside the panel (no negative margin that the scrolling panel would clip), and
    // `box-decoration-clone` keeps a value that wraps one highlight per line, not one per word.
    <Tag
      data-change={kind}
      className={`rounded px-1 ring-1 ring-inset box-decoration-clone ${className} ${block ? 'block py-0.5' : ''}`}
    >
      {children}
      <span className="sr-only"> ({label})</span>
    </Tag>
  );
}

/**
 * The order as replayed up to the selected version, with what that version
 * changed highlighted (`diff` is against the version before it).
 */
export function OrderStateView({
  state,
  diff,
  customerName = null,
}: {
  state: OrderState;
  diff: FieldChange[];
  customerName?: string | null;
}) {
  const at = (path: Parameters<typeof changeAt>[1]) => changeAt(diff, path);
  if (state.status === 'empty') {
    return <p className="text-sm text-slate-600">Nothing yet: the order does not exist at this version.</p>;
  }
  const money = (minor: number, signed = false) => formatAmount(minor, state.currency, signed);
  const a = state.shippingAddress;

  return (
    <div data-testid="audit-state" className="space-y-4 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Mark kind={at('status')}>
          <span data-testid="audit-state-status">
            <StatusBadge status={state.status} />
          </span>
        </Mark>
        <p className="text-base font-semibold text-slate-900">
          <span className="sr-only">Total </span>
          <Mark kind={at('total')}>
            <span data-testid="audit-state-total" className="tabular-nums">
              {money(state.total)}
            </span>
          </Mark>
        </p>
      </div>

      {state.status === 'cancelled' && (
        <Mark kind={at('cancelReason')} block>
          <p className="text-slate-700 break-anywhere" data-testid="audit-state-cancel-reason">
            <span className="font-medium">Cancelled</span> <LocalTime iso={state.cancelledAt} />. Reason:{' '}
            {state.cancelReason}
          </p>
        </Mark>
      )}
      {state.status === 'shipped' && (
        <Mark kind={at('shippedAt')} block>
          <p className="text-slate-700">
            <span className="font-medium">Shipped</span> <LocalTime iso={state.shippedAt} />
          </p>
        </Mark>
      )}

      <div>
        <h4 className="mb-1 text-xs font-medium tracking-wide text-slate-600 uppercase">Shipping address</h4>
        {/* One highlight for the address, whichever of its lines changed (a re-addressing changes several). */}
        <Mark kind={at('shippingAddress')} block>
          <address className="leading-6 text-slate-700 not-italic break-anywhere" data-testid="audit-state-address">
            <span className="font-medium text-slate-900">{a.name}</span>
            <br />
            {a.line1}
            <br />
            {a.postalCode} {a.city}
            <br />
            {a.country}
          </address>
        </Mark>
      </div>

      <div>
        <h4 className="mb-1 text-xs font-medium tracking-wide text-slate-600 uppercase">Lines</h4>
        <ul className="divide-y divide-slate-100">
          {state.lines.map((line) => (
            <li key={line.sku} className="py-1.5">
              <Mark kind={at(['lines', line.sku])} block>
                <div className="flex justify-between gap-3">
                  <span className="min-w-0 break-anywhere">
                    {line.quantity} × {line.name} <span className="font-mono text-xs text-slate-600">{line.sku}</span>
                  </span>
                  <span className="shrink-0 tabular-nums">{money(line.lineTotal)}</span>
                </div>
                <p className="text-xs text-slate-600">at {money(line.unitPrice)} each</p>
              </Mark>
            </li>
          ))}
        </ul>
      </div>

      {state.adjustments.length > 0 && (
        <div>
          <h4 className="mb-1 text-xs font-medium tracking-wide text-slate-600 uppercase">Adjustments</h4>
          <ul className="space-y-1">
            {state.adjustments.map((adjustment, index) => (
              <li key={index}>
                <Mark kind={at(`adjustments.${index}`)} block>
                  <div className="flex justify-between gap-3">
                    <span className="min-w-0 break-anywhere">{adjustment.reason}</span>
                    <span className="shrink-0 tabular-nums">{money(adjustment.amountDelta, true)}</span>
                  </div>
                </Mark>
              </li>
            ))}
          </ul>
        </div>
      )}

      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 border-t border-slate-100 pt-3 text-xs text-slate-600">
        <dt>Placed</dt>
        <dd className="text-right">
          <LocalTime iso={state.placedAt} />
        </dd>
        <dt>Customer</dt>
        <dd className="text-right break-anywhere">
          {customerName && <span className="block text-slate-900">{customerName}</span>}
          <span className="font-mono">{state.customerId}</span>
        </dd>
        <dt>Currency</dt>
        <dd className="text-right">{state.currency}</dd>
      </dl>
    </div>
  );
}
