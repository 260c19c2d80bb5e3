import type { ExistingOrder } from '@/lib/domain/order';
import { formatMoney } from '@/components/format/money';
import { LocalTime } from '@/components/format/local-time';

/** Lines as frozen at placement, then every adjustment, so the total explains itself. */
export function OrderLines({ order }: { order: ExistingOrder }) {
  const money = (minor: number, signed = false) => formatMoney(minor, order.currency, { signed });
  const placedTotal = order.lines.reduce((sum, line) => sum + line.lineTotal, 0);

  return (
    <>
      <table className="w-full text-sm">
        <caption className="sr-only">Order lines</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className="pb-2 pr-3 font-medium">
              Product
            </th>
            <th scope="col" className="hidden px-3 pb-2 text-right font-medium sm:table-cell">
              Qty
            </th>
            <th scope="col" className="hidden px-3 pb-2 text-right font-medium sm:table-cell">
              Unit price
            </th>
            <th scope="col" className="pb-2 pl-3 text-right font-medium">
              Total
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {order.lines.map((line) => (
            <tr key={line.sku}>
              <td className="py-3 pr-3">
                <p className="font-medium text-slate-900">{line.name}</p>
                <p className="text-xs text-slate-500">
                  <span className="font-mono">{line.sku}</span>
                  {/* Phones have no room for the two middle columns. */}
                  <span className="sm:hidden">
                    {' '}
                    · {line.quantity} × {money(line.unitPrice)}
                  </span>
                </p>
              </td>
              <td className="hidden px-3 py-3 text-right tabular-nums sm:table-cell">{line.quantity}</td>
              <td className="hidden px-3 py-3 text-right tabular-nums sm:table-cell">{money(line.unitPrice)}</td>
              <td className="py-3 pl-3 text-right font-medium tabular-nums">{money(line.lineTotal)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <dl className="mt-1 space-y-2 border-t border-slate-200 pt-3 text-sm">
        {order.adjustments.length > 0 && (
          <div className="flex justify-between gap-4 text-slate-600">
            <dt>Subtotal as placed</dt>
            <dd className="tabular-nums">{money(placedTotal)}</dd>
          </div>
        )}
        {order.adjustments.map((adjustment, index) => (
          <div key={index} data-testid="adjustment" className="flex justify-between gap-4 text-slate-600">
            <dt className="min-w-0">
              <span className="break-anywhere">Adjustment: {adjustment.reason}</span>
              <span className="block text-xs text-slate-600">
                <LocalTime iso={adjustment.adjustedAt} />
              </span>
            </dt>
            <dd
              className={`shrink-0 tabular-nums ${adjustment.amountDelta < 0 ? 'text-emerald-700' : 'text-slate-900'}`}
            >
              {money(adjustment.amountDelta, true)}
            </dd>
          </div>
        ))}
        <div className="flex justify-between gap-4 pt-1 text-base font-semibold text-slate-900">
          <dt>Total</dt>
          <dd data-testid="order-total" className="tabular-nums">
            {money(order.total)}
          </dd>
        </div>
      </dl>
    </>
  );
}
