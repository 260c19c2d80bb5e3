'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ProjectionStatus } from '@/lib/projections/status';
import { count, duration } from './format';
import { Panel, PanelEmpty, PanelError, Skeleton } from './panel';
import { projectionsQuery } from './queries';

/** Behind by more than this, or any backlog older than LAG_WARN_MS, shows as lagging. */
const LAG_WARN_MS = 5_000;

type Health = { label: string; className: string };

function healthOf(p: ProjectionStatus): Health {
  if (p.status === 'stalled') return { label: 'Stalled', className: 'bg-red-50 text-red-800 ring-red-600/20' };
  if (p.status === 'retrying') return { label: 'Retrying', className: 'bg-amber-50 text-amber-800 ring-amber-600/20' };
  if (p.lagMs > LAG_WARN_MS) return { label: 'Lagging', className: 'bg-amber-50 text-amber-800 ring-amber-600/20' };
  if (p.heldMs > LAG_WARN_MS) return { label: 'Held back', className: 'bg-amber-50 text-amber-800 ring-amber-600/20' };
  if (p.lagEvents === 0)
    return { label: 'Up to date', className: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20' };
  return { label: 'Catching up', className: 'bg-sky-50 text-sky-800 ring-sky-600/20' };
}

/** Why committed events are not being read: readAll stops at the oldest transaction still open. */
function heldBackNote(p: ProjectionStatus): string {
  const events = `${count(p.heldEvents)} committed ${p.heldEvents === 1 ? 'event has' : 'events have'}`;
  const holder = p.heldBy
    ? ` (pid ${p.heldBy.pid}${p.heldBy.applicationName ? `, ${p.heldBy.applicationName}` : ''}, open ${duration(p.heldBy.openMs)})`
    : '';
  return `${events} waited ${duration(p.heldMs)} behind a transaction that is still open${holder}: no projection reads past it until it ends.`;
}

export function ProjectionLag() {
  const query = useQuery(projectionsQuery());
  return (
    <Panel
      title="Projections"
      description="How far each read model trails the event log"
      actions={
        <Link
          href="/projections"
          className="rounded-md text-sm font-medium text-indigo-700 hover:text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          Manage projections
        </Link>
      }
    >
      {query.isPending ? (
        <div aria-busy="true" className="space-y-2">
          <span className="sr-only">Loading projections…</span>
          <Skeleton className="h-12 w-full" />
          <Skeleton className="h-12 w-full" />
        </div>
      ) : query.isError ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.projections.length === 0 ? (
        <PanelEmpty>No projection has started yet. Is the projection worker running?</PanelEmpty>
      ) : (
        <ul className="space-y-2">
          {query.data.projections.map((p) => {
            const health = healthOf(p);
            return (
              <li key={`${p.name}@${p.version}`} className="rounded-lg border border-slate-200 px-3 py-2">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="min-w-0 truncate font-mono text-sm text-slate-900">
                    {p.name} <span className="text-slate-500">v{p.version}</span>
                  </span>
                  <span
                    className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${health.className}`}
                  >
                    <span className="size-1.5 rounded-full bg-current" aria-hidden="true" />
                    {health.label}
                  </span>
                </div>
                <dl className="mt-1 flex flex-wrap gap-x-4 text-xs text-slate-600 tabular-nums">
                  <div className="flex gap-1">
                    <dt>Behind:</dt>
                    <dd>
                      {count(p.lagEvents)} {p.lagEvents === 1 ? 'event' : 'events'}
                    </dd>
                  </div>
                  <div className="flex gap-1">
                    <dt>Lag:</dt>
                    <dd>{duration(p.lagMs)}</dd>
                  </div>
                  <div className="flex gap-1">
                    <dt>Status:</dt>
                    <dd>{p.status}</dd>
                  </div>
                </dl>
                {p.heldMs > LAG_WARN_MS && (
                  <p className="mt-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900 break-anywhere">
                    {heldBackNote(p)}
                  </p>
                )}
                {p.lastSetAside && (
                  <p
                    data-testid="set-aside"
                    className="mt-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900 break-anywhere"
                  >
                    {count(p.setAsideEvents)} {p.setAsideEvents === 1 ? 'event was' : 'events were'} set aside, not
                    applied. Latest: {p.lastSetAside.eventType} v{p.lastSetAside.streamVersion} of{' '}
                    <span className="font-mono">{p.lastSetAside.streamId}</span>: {p.lastSetAside.reason}.
                  </p>
                )}
                {p.lastError && (p.status === 'stalled' || p.status === 'retrying') && (
                  <p className="mt-1 rounded bg-red-50 px-2 py-1 font-mono text-xs text-red-800 break-anywhere">
                    {p.failedAttempts > 0 && `After ${count(p.failedAttempts)} attempts: `}
                    {p.lastError}
                    {p.failingEvent && (
                      <span className="mt-0.5 block" data-testid="failing-event">
                        On {p.failingEvent.eventType} v{p.failingEvent.streamVersion} of {p.failingEvent.streamId} (
                        {p.failingEvent.position}).
                      </span>
                    )}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}
