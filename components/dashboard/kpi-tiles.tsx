import type { DashboardMetrics } from '@/lib/read-models/order-metrics/types';
import { count, money } from './format';
import { Skeleton } from './panel';

type Tile = { label: string; value: string; hint: string; accent: string };

export function KpiTiles({ metrics, minutes }: { metrics: DashboardMetrics | undefined; minutes: number }) {
  const span = minutes === 60 ? 'last hour' : `last ${minutes} min`;
  const tiles: Tile[] | null = metrics
    ? [
        { label: 'Orders', value: count(metrics.totals.orders), hint: `placed, ${span}`, accent: 'bg-indigo-500' },
        { label: 'Revenue', value: money(metrics.totals.revenue), hint: `net, ${span}`, accent: 'bg-emerald-500' },
        {
          label: 'Cancelled',
          value: count(metrics.minutes.reduce((n, m) => n + m.ordersCancelled, 0)),
          hint: span,
          accent: 'bg-rose-500',
        },
        { label: 'Placed', value: count(metrics.statusCounts.placed), hint: 'open orders now', accent: 'bg-sky-500' },
        { label: 'Shipped', value: count(metrics.statusCounts.shipped), hint: 'all time', accent: 'bg-emerald-600' },
        {
          label: 'Cancelled orders',
          value: count(metrics.statusCounts.cancelled),
          hint: 'all time',
          accent: 'bg-slate-500',
        },
      ]
    : null;

  return (
    <dl aria-label="Key figures" aria-busy={!tiles} className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
      {(tiles ?? Array.from({ length: 6 }, () => null)).map((tile, i) => (
        <div
          key={tile?.label ?? i}
          className="relative overflow-hidden rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        >
          <span className={`absolute inset-y-0 left-0 w-1 ${tile?.accent ?? 'bg-slate-200'}`} aria-hidden="true" />
          {tile ? (
            <>
              <dt className="text-sm font-medium text-slate-600">{tile.label}</dt>
              <dd className="mt-1 truncate text-2xl font-semibold tabular-nums text-slate-900" title={tile.value}>
                {tile.value}
              </dd>
              <dd className="mt-0.5 text-xs text-slate-500">{tile.hint}</dd>
            </>
          ) : (
            <>
              <Skeleton className="h-4 w-16" />
              <Skeleton className="mt-2 h-7 w-20" />
            </>
          )}
        </div>
      ))}
    </dl>
  );
}
