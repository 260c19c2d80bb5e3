'use client';

import { count, duration } from '@/components/dashboard/format';
import { LocalTime } from '@/components/format/local-time';
import { compareAvailability, servingOf } from './availability';
import { ComparePanel } from './compare-panel';
import type { ProjectionOverview } from './types';
import { VersionCard } from './version-card';

/** One projection: what its serving version shows, each version, and the comparison of two. */
export function ProjectionCard({ projection, canOperate }: { projection: ProjectionOverview; canOperate: boolean }) {
  const id = `projection-${projection.name}`;
  const serving = servingOf(projection);
  const compare = compareAvailability(projection);
  const versions = [...projection.versions].sort((a, b) => a.version - b.version);
  return (
    <section
      aria-labelledby={id}
      data-testid="projection"
      data-name={projection.name}
      className="min-w-0 space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={id} className="font-mono text-base font-semibold break-all text-slate-900">
          {projection.name}
        </h2>
        <p className="text-sm text-slate-600">
          {serving ? (
            <>
              Serving <span className="font-mono">v{serving.version}</span>
              {projection.switchedAt && (
                <>
                  {' '}
                  since <LocalTime iso={projection.switchedAt} />
                </>
              )}{' '}
              · {projection.lagMs > 0 ? `${duration(projection.lagMs)} behind` : 'up to date'}
            </>
          ) : (
            'No version serves'
          )}
        </p>
      </div>

      {(projection.heldEvents > 0 || projection.lastSetAside) && (
        <div className="space-y-1 text-xs">
          {projection.heldEvents > 0 && (
            <p data-testid="held-back" className="rounded bg-amber-50 px-2 py-1 text-amber-900 break-anywhere">
              {count(projection.heldEvents)} committed {projection.heldEvents === 1 ? 'event is' : 'events are'} held
              back for {duration(projection.heldMs)} behind a transaction still open
              {projection.heldBy &&
                ` (pid ${projection.heldBy.pid}${projection.heldBy.applicationName ? `, ${projection.heldBy.applicationName}` : ''})`}
              .
            </p>
          )}
          {projection.lastSetAside && (
            <p data-testid="set-aside" className="rounded bg-amber-50 px-2 py-1 text-amber-900 break-anywhere">
              {count(projection.setAsideEvents)} {projection.setAsideEvents === 1 ? 'event' : 'events'} set aside by the
              serving version. Latest: {projection.lastSetAside.eventType} v{projection.lastSetAside.streamVersion} of{' '}
              <span className="font-mono">{projection.lastSetAside.streamId}</span>: {projection.lastSetAside.reason}
            </p>
          )}
        </div>
      )}

      <ul className={`grid items-start gap-3 ${versions.length > 1 ? 'lg:grid-cols-2' : ''}`}>
        {versions.map((v) => (
          <VersionCard key={v.version} projection={projection} version={v} canOperate={canOperate} />
        ))}
      </ul>

      {canOperate && (
        <div className="border-t border-slate-200 pt-4">
          <h3 className="mb-2 text-sm font-semibold text-slate-900">Compare two versions</h3>
          {compare.ok ? (
            <ComparePanel projection={projection} />
          ) : (
            <p className="text-xs text-slate-500">{compare.why}</p>
          )}
        </div>
      )}
    </section>
  );
}
