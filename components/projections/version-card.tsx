'use client';

import type { ReactNode } from 'react';
import { count } from '@/components/dashboard/format';
import { ActionForm } from './action-form';
import {
  isFailing,
  rollbackTarget,
  servingOf,
  skipAvailability,
  versionActions,
  type Availability,
} from './availability';
import { ReplayProgress } from './progress';
import { StateBadge } from './state-badge';
import { SwitchAction } from './switch-action';
import type { ProjectionOverview, VersionStatus } from './types';

export function VersionCard({
  projection,
  version: v,
  canOperate,
}: {
  projection: ProjectionOverview;
  version: VersionStatus;
  canOperate: boolean;
}) {
  const label = `${projection.name} v${v.version}`;
  return (
    <li
      aria-label={label}
      data-testid="version"
      data-version={v.version}
      data-state={v.state}
      className={`min-w-0 space-y-3 rounded-lg border p-3 ${
        v.state === 'serving' ? 'border-emerald-300 bg-emerald-50/30' : 'border-slate-200'
      } ${v.state === 'retired' ? 'opacity-75' : ''}`}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-mono text-sm font-semibold text-slate-900">v{v.version}</h3>
        <StateBadge state={v.state} />
      </div>

      {v.state !== 'retired' && (
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-slate-600 tabular-nums sm:grid-cols-3">
          <Stat term="Position">
            <span className="font-mono break-all">{v.position}</span>
          </Stat>
          <Stat term="Lag">
            {count(v.lagEvents)} {v.lagEvents === 1 ? 'event' : 'events'}
          </Stat>
          <Stat term="Rate">{count(Math.round(v.eventsPerSecond))} events/s</Stat>
          <Stat term="Status">
            <span className={isFailing(v.status) ? 'font-semibold text-red-700' : ''}>{v.status}</span>
          </Stat>
          <Stat term="Set aside">{count(v.setAsideEvents)}</Stat>
        </dl>
      )}

      {v.state === 'building' && !v.rebuild && (
        <ReplayProgress
          label={`Building ${label}`}
          progress={v.progress}
          eventsPerSecond={v.eventsPerSecond}
          etaSeconds={v.etaSeconds}
        />
      )}
      {v.rebuild && (
        <div className="space-y-1">
          <ReplayProgress
            label={`Rebuilding ${label}`}
            progress={v.rebuild.progress}
            eventsPerSecond={v.rebuild.eventsPerSecond}
            etaSeconds={v.rebuild.etaSeconds}
          />
          <p className="text-xs text-slate-600">
            Into fresh tables beside the ones it reads from; they take over once caught up.
            {v.rebuild.lastError && (
              <span className="block font-mono text-red-700 break-anywhere">
                {v.rebuild.lastError}
                {v.rebuild.failingEvent &&
                  ` (on ${v.rebuild.failingEvent.eventType} v${v.rebuild.failingEvent.streamVersion} of ${v.rebuild.failingEvent.streamId}, at ${v.rebuild.failingEvent.position})`}
              </span>
            )}
          </p>
        </div>
      )}

      {v.lastError && !isFailing(v.status) && (
        <p className="rounded bg-slate-50 px-2 py-1 font-mono text-xs text-slate-700 break-anywhere">
          Last error: {v.lastError}
        </p>
      )}
      {isFailing(v.status) && <Failing projection={projection} version={v} canOperate={canOperate} />}

      {canOperate && <VersionActions projection={projection} version={v} />}
    </li>
  );
}

function Stat({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-slate-500">{term}</dt>
      <dd className="text-slate-800">{children}</dd>
    </div>
  );
}

/** The event a version fails on, with what an operator can do about it. */
function Failing({
  projection,
  version: v,
  canOperate,
}: {
  projection: ProjectionOverview;
  version: VersionStatus;
  canOperate: boolean;
}) {
  const skip = skipAvailability(v);
  const event = v.failingEvent;
  return (
    <div
      data-testid="failing"
      className="space-y-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900"
    >
      <p className="font-semibold">
        {v.status === 'stalled' ? 'Stalled' : 'Retrying'}
        {v.failedAttempts > 0 && ` after ${count(v.failedAttempts)} ${v.failedAttempts === 1 ? 'attempt' : 'attempts'}`}
      </p>
      {v.lastError && <p className="font-mono text-xs break-anywhere">{v.lastError}</p>}
      {event ? (
        <dl data-testid="failing-event" className="grid grid-cols-1 gap-x-4 gap-y-0.5 text-xs sm:grid-cols-2">
          <Stat term="Stream">
            <span className="font-mono break-all">{event.streamId}</span>
          </Stat>
          <Stat term="Event">
            {event.eventType} v{event.streamVersion}
          </Stat>
          <Stat term="Position">
            <span className="font-mono">{event.position}</span>
          </Stat>
          <Stat term="Attempts">{count(v.failedAttempts)}</Stat>
        </dl>
      ) : (
        <p className="text-xs">The failing event is not isolated yet; the next retry narrows it down to one.</p>
      )}
      {canOperate && (
        <div className="flex flex-wrap items-start gap-2">
          <ActionForm
            label="Retry"
            confirmLabel="Retry now"
            description="The worker tries the failing event again now, rather than after its backoff."
            reasonRequired={false}
            build={(reason) => ({ kind: 'retry', name: projection.name, version: v.version, reason })}
            done="Retry requested."
          />
          {skip.ok && event ? (
            <ActionForm
              label="Skip"
              confirmLabel="Skip this event"
              confirmVariant="danger"
              description={
                <>
                  {event.eventType} v{event.streamVersion} of <span className="font-mono">{event.streamId}</span> is not
                  applied to {projection.name} v{v.version}; it is kept among the set-aside events.
                </>
              }
              reasonRequired
              build={(reason) => ({
                kind: 'skip',
                name: projection.name,
                version: v.version,
                position: event.position,
                reason,
              })}
              done="Event skipped."
            />
          ) : (
            !skip.ok && <Unavailable action="Skip" why={skip.why} />
          )}
        </div>
      )}
    </div>
  );
}

function VersionActions({ projection, version: v }: { projection: ProjectionOverview; version: VersionStatus }) {
  const actions = versionActions(projection, v);
  const serving = servingOf(projection);
  const target = rollbackTarget(projection);
  const unavailable: Array<[string, Availability]> = [
    ['Rebuild', actions.rebuild],
    ['Switch', actions.switch],
    ...(actions.rollback ? ([['Roll back', actions.rollback]] as Array<[string, Availability]>) : []),
    ['Retire', actions.retire],
  ];
  if (v.state === 'retired') {
    return <p className="text-xs text-slate-500">Retired: its tables are dropped, its history is kept.</p>;
  }
  return (
    <div className="space-y-2 border-t border-slate-200 pt-3">
      <div className="flex flex-wrap items-start gap-2">
        {actions.switch.ok && <SwitchAction projection={projection} target={v} serving={serving} />}
        {actions.rollback?.ok && target && (
          <ActionForm
            label={`Roll back to v${target.version}`}
            confirmLabel={`Roll back to v${target.version}`}
            description={`Reads go back to v${target.version}, which has been kept up to date; v${v.version} is kept too.`}
            reasonRequired
            build={(reason) => ({ kind: 'rollback', name: projection.name, reason })}
            done="Rolled back."
          />
        )}
        {actions.rebuild.ok && (
          <ActionForm
            label="Rebuild"
            confirmLabel={`Rebuild v${v.version}`}
            description={`v${v.version} replays the whole log into fresh tables beside its own; reads keep using the old ones until the rebuild has caught up.`}
            reasonRequired={false}
            build={(reason) => ({ kind: 'rebuild', name: projection.name, version: v.version, reason })}
            done="Rebuild started."
          />
        )}
        {actions.retire.ok && (
          <ActionForm
            label="Retire"
            confirmLabel={`Retire v${v.version}`}
            confirmVariant="danger"
            description={`v${v.version}'s tables are dropped and it stops being maintained; this cannot be undone (a rebuild of a new version can).`}
            reasonRequired={false}
            build={(reason) => ({ kind: 'retire', name: projection.name, version: v.version, reason })}
            done="Retired."
          />
        )}
      </div>
      <ul className="space-y-0.5 text-xs text-slate-500">
        {unavailable
          .filter(([, a]) => !a.ok)
          .map(([name, a]) => (
            <li key={name}>
              <Unavailable action={name} why={(a as { why: string }).why} />
            </li>
          ))}
      </ul>
    </div>
  );
}

function Unavailable({ action, why }: { action: string; why: string }) {
  return (
    <span className="text-xs text-slate-500">
      <span className="font-medium text-slate-600">{action}:</span> {why}
    </span>
  );
}
