import type { ExistingOrder } from '@/lib/domain/order';
import { countryName } from '@/components/format/country';
import { LocalTime } from '@/components/format/local-time';

export function ShippingAddressBlock({ order }: { order: ExistingOrder }) {
  const a = order.shippingAddress;
  return (
    <address className="text-sm leading-6 text-slate-700 not-italic break-anywhere" data-testid="shipping-address">
      <span className="font-medium text-slate-900">{a.name}</span>
      <br />
      {a.line1}
      <br />
      {a.postalCode} {a.city}
      <br />
      {countryName(a.country)}
    </address>
  );
}

/** When each step happened; steps that have not happened say so instead of vanishing. */
export function OrderDates({ order }: { order: ExistingOrder }) {
  const rows: Array<[string, string | null, string]> = [
    ['Placed', order.placedAt, ''],
    [
      'Shipped',
      order.status === 'shipped' ? order.shippedAt : null,
      order.status === 'cancelled' ? 'Never (cancelled)' : 'Not yet',
    ],
  ];
  if (order.status === 'cancelled') rows.push(['Cancelled', order.cancelledAt, '']);
  return (
    <dl className="space-y-2 text-sm">
      {rows.map(([label, iso, missing]) => (
        <div key={label} className="flex justify-between gap-4">
          <dt className="text-slate-600">{label}</dt>
          <dd className="text-right text-slate-900">
            {iso ? <LocalTime iso={iso} /> : <span className="text-slate-600">{missing}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
