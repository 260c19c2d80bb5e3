'use client';

import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useId } from 'react';
import { PageHeader } from '@/components/orders/page-header';
import { AsOfPicker } from './as-of-picker';
import { CancelReasons } from './cancel-reasons';
import { CustomerTable, useCustomerStats, type CustomerStats } from './customer-table';
import { EventFeed } from './event-feed';
import { HistoricBanner, InvalidAtBanner } from './historic-banner';
import { KpiTiles } from './kpi-tiles';
import { LedgerPanel } from './ledger-panel';
import { MinuteChart, MinuteChartSkeleton } from './minute-chart';
import { hasActivity } from './minute-chart-theme';
import { Panel, PanelEmpty, PanelError } from './panel';
import { ProjectionLag } from './projection-lag';
import { invalidAtMessage } from '@/lib/read-models/customer-stats/client';
import { metricsQuery } from '@/lib/read-models/order-metrics/client';
import type { DashboardMetrics, DashboardMetricsAt } from '@/lib/read-models/order-metrics/types';
import { windowFromUrl, windowParam, WINDOWS } from './trend-window';
import { useAsOf, type AsOf } from './use-as-of';
import { useDashboardUrl } from './use-dashboard-url';
import { useDashboardLive } from './use-dashboard-live';

/**
 * Everything on /dashboard: live, or with `?at=` as of that moment (key
 * figures, chart and customer table, all computed from the event log). It
 * reads the URL (useSearchParams), so the page renders it inside a Suspense
 * boundary. The trend window and the customer table's search, sort and page
 * live in the URL too, so they survive going back and forth between moments,
 * and a reload.
 */
export function Dashboard() {
  const asOf = useAsOf();
  const stats = useCustomerStats(asOf.at);
  const { searchParams, navigate } = useDashboardUrl();
  const minutes = windowFromUrl(searchParams.get('window'));
  // Like a sort: a new history entry, so Back returns to the window before.
  const setMinutes = (next: number) => navigate({ window: windowParam(next) }, 'push');
  const metrics = useQuery(metricsQuery({ minutes, at: asOf.at }));
  const span = { minutes, setMinutes, metrics };
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={
          asOf.at
            ? 'The dashboard as it stood at a past moment, recomputed from the event log.'
            : 'Orders, revenue and customers as the projections see them, updated live.'
        }
      />
      {asOf.at ? (
        <HistoricDashboard asOf={asOf} at={asOf.at} stats={stats} span={span} />
      ) : (
        <LiveDashboard asOf={asOf} stats={stats} span={span} />
      )}
    </>
  );
}

type MetricsSpan = {
  minutes: number;
  setMinutes: (minutes: number) => void;
  metrics: UseQueryResult<DashboardMetrics | DashboardMetricsAt>;
};

/**
 * A fixed moment: the banner, the key figures, the chart and the customer
 * table, all as of then. Nothing here listens to live pushes (they invalidate
 * the live keys, and this view's queries have keys of their own and never go
 * stale), so the figures stay put while sort, search and paging still ask the server.
 */
function HistoricDashboard({
  asOf,
  at,
  stats,
  span,
}: {
  asOf: AsOf;
  at: string;
  stats: CustomerStats;
  span: MetricsSpan;
}) {
  const invalid = invalidAtMessage(stats.query.error) ?? invalidAtMessage(span.metrics.error);
  if (invalid) return <InvalidAtBanner asOf={asOf} at={at} message={invalid} />;
  return (
    <div className="space-y-6">
      <HistoricBanner asOf={asOf} at={at} data={stats.query.data} loading={stats.query.isPending} />
      <Figures span={span} historic />
      <ChartPanel span={span} historic />
      <CustomerTable stats={stats} />
    </div>
  );
}

/**
 * Each section fetches its own data and shows its own loading, empty and
 * error state, so one failing endpoint leaves the others working. Pushes over
 * the tab's socket invalidate the matching queries (only while this view is
 * on screen).
 */
function LiveDashboard({ asOf, stats, span }: { asOf: AsOf; stats: CustomerStats; span: MetricsSpan }) {
  useDashboardLive();
  const metrics = span.metrics;
  return (
    <div className="space-y-6">
      <Figures span={span} />

      <div className="grid gap-6 lg:grid-cols-3">
        <ChartPanel span={span} className="lg:col-span-2" />
        <ProjectionLag />
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <CustomerTable stats={stats} />
        </div>
        {/* The feed takes the column's height beside the table instead of a box of its own with a scrollbar. */}
        <div className="flex min-w-0 flex-col gap-6">
          {/* Only once a metrics version that counts them serves (v2 on; null before). */}
          {metrics.data?.cancellationsByReason && <CancelReasons reasons={metrics.data.cancellationsByReason} />}
          <EventFeed />
          <LedgerPanel />
        </div>
      </div>

      <section aria-label="Past moment" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:px-5">
        <AsOfPicker asOf={asOf} label="The dashboard as of a past moment" />
      </section>
    </div>
  );
}

function Figures({ span, historic = false }: { span: MetricsSpan; historic?: boolean }) {
  const { metrics, minutes } = span;
  return metrics.isError && !metrics.data ? (
    <PanelError error={metrics.error} onRetry={() => void metrics.refetch()} />
  ) : (
    <KpiTiles metrics={metrics.data} minutes={minutes} historic={historic} />
  );
}

function ChartPanel({
  span,
  historic = false,
  className,
}: {
  span: MetricsSpan;
  historic?: boolean;
  className?: string;
}) {
  const { metrics, minutes, setMinutes } = span;
  const windowId = useId();
  return (
    <Panel
      className={className}
      title="Orders and revenue per minute"
      description={
        historic
          ? 'Recomputed from the event log up to that moment, in your time zone'
          : 'From the metrics projection, in your time zone'
      }
      actions={
        <div className="flex items-center gap-2 text-sm">
          <label htmlFor={windowId} className="text-slate-700">
            Window
          </label>
          <select
            id={windowId}
            value={minutes}
            onChange={(e) => setMinutes(Number(e.target.value))}
            className="min-h-9 rounded-lg border-0 bg-white py-1.5 pr-8 pl-3 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
          >
            {WINDOWS.map((w) => (
              <option key={w.minutes} value={w.minutes}>
                {w.label}
              </option>
            ))}
          </select>
        </div>
      }
    >
      {metrics.isPending ? (
        <MinuteChartSkeleton />
      ) : metrics.isError ? (
        <PanelError error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : !metrics.data.minutes.some(hasActivity) ? (
        <PanelEmpty>No order activity in this window.</PanelEmpty>
      ) : (
        <MinuteChart minutes={metrics.data.minutes} />
      )}
    </Panel>
  );
}
