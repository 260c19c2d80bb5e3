'use client';

import dynamic from 'next/dynamic';
import { useId, useState } from 'react';
import type { MinuteMetrics } from '@/lib/read-models/order-metrics/types';
import { clockTime, count, money } from './format';
import { hasActivity, ORDERS_COLOR, PLOT_HEIGHT, REVENUE_COLOR } from './minute-chart-theme';
import { Skeleton } from './panel';

// Orders and net revenue per minute: a recharts plot for the eye, and for
// screen readers (and tests) a one-sentence summary on the image plus a table
// of every minute with activity. Recharts measures the DOM, so the plot is
// rendered in the browser only (ssr: false) and kept out of the page's first
// bundle; the data is fetched in the browser anyway, so nothing waits longer.

const MinuteChartPlot = dynamic(() => import('./minute-chart-plot'), {
  ssr: false,
  loading: () => <PlotPlaceholder />,
});

export function MinuteChart({ minutes }: { minutes: MinuteMetrics[] }) {
  const [tableShown, setTableShown] = useState(false);
  const tableId = useId();
  const active = minutes.filter(hasActivity);
  const last = minutes.at(-1);
  const totalOrders = minutes.reduce((n, m) => n + m.ordersPlaced, 0);
  const totalCancelled = minutes.reduce((n, m) => n + m.ordersCancelled, 0);
  const totalRevenue = minutes.reduce((n, m) => n + m.revenue, 0);
  const busiest = minutes.reduce<MinuteMetrics | undefined>(
    (best, m) => (m.ordersPlaced > (best?.ordersPlaced ?? 0) ? m : best),
    undefined,
  );
  // "from 16:51 to 16:50" would not say that a day lies between: name the window instead.
  const windowLabel =
    minutes.length >= 120 && minutes.length % 60 === 0
      ? `${count(minutes.length / 60)} hours`
      : `${count(minutes.length)} minutes`;
  const span = last ? `in the ${windowLabel} to ${clockTime(last.minute)}` : '';

  const description = [
    `Chart of orders placed (bars) and net revenue (line) per minute ${span}.`,
    busiest ? `Busiest minute ${clockTime(busiest.minute)}: ${count(busiest.ordersPlaced)} placed.` : '',
    'The numbers are in the table that follows.',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <figure className="min-w-0">
      <div role="img" aria-label={description}>
        {/* Axis titles above their axes, outside the plot, so they never run into tick labels. */}
        <div className="mb-1 flex items-center justify-between gap-3 text-xs font-medium">
          <span className="inline-flex items-center gap-1.5 text-indigo-700">
            <span className="size-2.5 rounded-sm" style={{ background: ORDERS_COLOR }} />
            Orders placed
          </span>
          <span className="inline-flex items-center gap-1.5 text-right text-emerald-700">
            <span className="h-0.5 w-3" style={{ background: REVENUE_COLOR }} />
            Net revenue (EUR)
          </span>
        </div>
        <MinuteChartPlot minutes={minutes} />
      </div>

      <figcaption className="mt-3 flex flex-wrap items-center justify-between gap-x-4 gap-y-2 text-sm text-slate-600">
        <p className="tabular-nums">
          {count(totalOrders)} placed
          {totalCancelled > 0 && `, ${count(totalCancelled)} cancelled`}, {money(totalRevenue)} net {span}
        </p>
        <button
          type="button"
          aria-controls={tableId}
          aria-pressed={tableShown}
          onClick={() => setTableShown(!tableShown)}
          className="min-h-9 rounded-lg px-2 font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {tableShown ? 'Hide table' : 'Show table'}
        </button>
      </figcaption>

      {/* Always in the accessibility tree; on screen only when asked for. */}
      <div
        id={tableId}
        className={tableShown ? 'mt-2 max-h-64 overflow-auto rounded-lg border border-slate-200' : 'sr-only'}
      >
        <table className="w-full text-left text-xs tabular-nums">
          <caption className="sr-only">Orders and revenue per minute, minutes with activity only</caption>
          <thead className="sticky top-0 bg-slate-50 text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-1.5 font-medium">
                Minute
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                Placed
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                Cancelled
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                Net revenue
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {active.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-3 py-2 text-slate-600">
                  No order activity in this window.
                </td>
              </tr>
            ) : (
              active.map((m) => (
                <tr key={m.minute} data-testid="minute-row">
                  <th scope="row" className="px-3 py-1 font-normal">
                    <time dateTime={m.minute}>{clockTime(m.minute)}</time>
                  </th>
                  <td className="px-3 py-1 text-right">{count(m.ordersPlaced)}</td>
                  <td className="px-3 py-1 text-right">{count(m.ordersCancelled)}</td>
                  <td className="px-3 py-1 text-right">{money(m.revenue)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function PlotPlaceholder() {
  return (
    <div style={{ height: PLOT_HEIGHT }}>
      <Skeleton className="h-full w-full" />
    </div>
  );
}

/** The chart's footprint while the metrics load, so the page does not jump when they arrive. */
export function MinuteChartSkeleton() {
  return (
    <div aria-busy="true">
      <span className="sr-only">Loading chart…</span>
      <Skeleton className="mb-1 h-4 w-full" />
      <PlotPlaceholder />
      <Skeleton className="mt-3 h-9 w-full" />
    </div>
  );
}
