import type { DashboardMetrics } from '@/lib/read-models/order-metrics/types';
import { change, count, money, moneyFigure } from './format';
import { Skeleton } from './panel';

type Trend = {
  current: number;
  previous: number;
  /** Whether a rise is good news (orders) or bad (cancellations). */ upIsGood: boolean;
};
type Tile = {
  label: string;
  /** What the screen shows: compact for large amounts of money ("€56.8K"). */
  value: string;
  /** The exact amount, on hover and for screen readers (money only; on screen it may be compact). */
  exact?: string;
  hint: string;
  accent: string;
  trend?: Trend;
};

/**
 * The dashboard's key figures: what happened in the window (with the change
 * against the window of the same length before it, from the same read
 * model), then how many orders stand in each status. `historic`: as of a past
 * moment, so the window ends then and "now" becomes "then".
 */
export function KpiTiles({
  metrics,
  minutes,
  historic = false,
}: {
  metrics: DashboardMetrics | undefined;
  minutes: number;
  historic?: boolean;
}) {
  const span = windowName(minutes);
  const inWindow = historic ? `in the ${span} to that moment` : `in the last ${span}`;
  const tiles: Tile[] | null = metrics
    ? [
        {
          label: 'Orders placed',
          value: count(metrics.totals.orders),
          hint: inWindow,
          accent: 'bg-indigo-500',
          trend: { current: metrics.totals.orders, previous: metrics.previous.orders, upIsGood: true },
        },
        {
          label: 'Net revenue',
          value: moneyFigure(metrics.totals.revenue),
          exact: money(metrics.totals.revenue),
          hint: `${inWindow}, after cancellations`,
          accent: 'bg-emerald-500',
          trend: { current: metrics.totals.revenue, previous: metrics.previous.revenue, upIsGood: true },
        },
        {
          label: 'Orders cancelled',
          value: count(metrics.totals.cancelled),
          hint: inWindow,
          accent: 'bg-rose-500',
          trend: { current: metrics.totals.cancelled, previous: metrics.previous.cancelled, upIsGood: false },
        },
        {
          label: 'Awaiting shipment',
          value: count(metrics.statusCounts.placed),
          hint: historic ? 'open orders then' : 'open orders now',
          accent: 'bg-sky-500',
        },
        {
          label: 'Shipped orders',
          value: count(metrics.statusCounts.shipped),
          hint: historic ? 'all time, up to then' : 'all time',
          accent: 'bg-emerald-600',
        },
        {
          label: 'Cancelled orders',
          value: count(metrics.statusCounts.cancelled),
          hint: historic ? 'all time, up to then' : 'all time',
          accent: 'bg-slate-500',
        },
      ]
    : null;

  return (
    <dl aria-label="Key figures" aria-busy={!tiles} className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
      {(tiles ?? Array.from({ length: 6 }, () => null)).map((tile, i) => (
        <div
          key={tile?.label ?? i}
          className="relative flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        >
          <span className={`absolute inset-y-0 left-0 w-1 ${tile?.accent ?? 'bg-slate-200'}`} aria-hidden="true" />
          {tile ? (
            <>
              <dt className="text-sm font-medium text-slate-700">{tile.label}</dt>
              <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums" title={tile.exact}>
                {tile.exact ? (
                  <>
                    <span aria-hidden="true">{tile.value}</span>
                    <span className="sr-only">{tile.exact}</span>
                  </>
                ) : (
                  tile.value
                )}
              </dd>
              <dd className="mt-0.5 text-xs text-slate-600">{tile.hint}</dd>
              {tile.trend && <TrendLine trend={tile.trend} span={span} />}
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

function TrendLine({ trend, span }: { trend: Trend; span: string }) {
  const delta = change(trend.current, trend.previous);
  const against = `vs previous ${span}`;
  if (!delta) return <dd className="mt-1 text-xs text-slate-600">none in the previous {span}</dd>;
  const good = delta.direction === 'flat' ? null : (delta.direction === 'up') === trend.upIsGood;
  const tone = good === null ? 'text-slate-600' : good ? 'text-emerald-700' : 'text-rose-700';
  const arrow = delta.direction === 'up' ? '↑' : delta.direction === 'down' ? '↓' : '→';
  return (
    <dd className={`mt-1 text-xs font-medium ${tone}`}>
      <span aria-hidden="true">{arrow} </span>
      {delta.text} <span className="font-normal text-slate-600">{against}</span>
    </dd>
  );
}

/** 60 → "hour", 30 → "30 min", 240 → "4 hours", 1440 → "24 hours". */
function windowName(minutes: number): string {
  if (minutes === 60) return 'hour';
  if (minutes % 60 === 0) return `${minutes / 60} hours`;
  return `${minutes} min`;
}
