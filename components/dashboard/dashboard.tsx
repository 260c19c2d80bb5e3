'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { CustomerTable } from './customer-table';
import { EventFeed } from './event-feed';
import { KpiTiles } from './kpi-tiles';
import { MinuteChart } from './minute-chart';
import { Panel, PanelEmpty, PanelError, Skeleton } from './panel';
import { ProjectionLag } from './projection-lag';
import { metricsQuery } from './queries';
import { useDashboardLive } from './use-dashboard-live';

const WINDOWS = [
  { minutes: 30, label: '30 min' },
  { minutes: 60, label: '1 hour' },
  { minutes: 240, label: '4 hours' },
  { minutes: 1440, label: '24 hours' },
] as const;

/**
 * Everything on /dashboard. Each section fetches its own data and shows its
 * own loading, empty and error state, so one failing endpoint leaves the
 * others working. Pushes over the tab's socket invalidate the matching queries.
 */
export function Dashboard() {
  useDashboardLive();
  const [minutes, setMinutes] = useState<number>(60);
  const metrics = useQuery(metricsQuery(minutes));
  const windowId = useId();

  return (
    <div className="space-y-6">
      {metrics.isError && !metrics.data ? (
        <PanelError error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : (
        <KpiTiles metrics={metrics.data} minutes={minutes} />
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <Panel
          className="lg:col-span-2"
          title="Orders and revenue per minute"
          description="From the metrics projection, in your time zone"
          actions={
            <div className="flex items-center gap-2 text-sm">
              <label htmlFor={windowId} className="text-slate-600">
                Window
              </label>
              <select
                id={windowId}
                value={minutes}
                onChange={(e) => setMinutes(Number(e.target.value))}
                className="min-h-9 rounded-lg border-0 py-1.5 pr-8 pl-3 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
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
            <div aria-busy="true">
              <span className="sr-only">Loading chart…</span>
              <Skeleton className="h-60 w-full" />
            </div>
          ) : metrics.isError ? (
            <PanelError error={metrics.error} onRetry={() => void metrics.refetch()} />
          ) : metrics.data.minutes.every((m) => m.ordersPlaced === 0 && m.ordersCancelled === 0 && m.revenue === 0) ? (
            <PanelEmpty>No order activity in this window.</PanelEmpty>
          ) : (
            <MinuteChart minutes={metrics.data.minutes} />
          )}
        </Panel>
        <ProjectionLag />
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <CustomerTable />
        </div>
        <EventFeed />
      </div>
    </div>
  );
}
