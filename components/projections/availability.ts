import type { ProjectionOverview, VersionStatus } from './types';

// Which operator actions can apply to a version, and in words why not. The
// server decides (a 409 names the rule); this only keeps buttons off where
// they could not work, with the reason in their place.

export type Availability = { ok: true } | { ok: false; why: string };

const yes: Availability = { ok: true };
const no = (why: string): Availability => ({ ok: false, why });

export const percent = (share: number) => `${Math.floor(Math.min(1, Math.max(0, share)) * 100)}%`;

export const isFailing = (status: string) => status === 'retrying' || status === 'stalled';

/** The version a rollback returns to: the newest kept as previous. */
export function rollbackTarget(projection: ProjectionOverview): VersionStatus | null {
  const previous = projection.versions.filter((v) => v.state === 'previous');
  return previous.length ? previous.reduce((a, b) => (b.version > a.version ? b : a)) : null;
}

export const servingOf = (projection: ProjectionOverview): VersionStatus | null =>
  projection.versions.find((v) => v.state === 'serving') ?? null;

/** Versions that still have tables: what can be compared. */
export const comparable = (projection: ProjectionOverview) => projection.versions.filter((v) => v.state !== 'retired');

export type VersionActions = {
  rebuild: Availability;
  switch: Availability;
  /** Only the serving version offers a rollback; null elsewhere. */
  rollback: Availability | null;
  retire: Availability;
};

export function versionActions(projection: ProjectionOverview, v: VersionStatus): VersionActions {
  if (v.state === 'retired') {
    const retired = no('Retired: its tables are dropped.');
    return { rebuild: retired, switch: retired, rollback: null, retire: no('Already retired.') };
  }
  if (!v.registered) {
    // Its code is gone from this build: the server knows no projection to run for it.
    const gone = no('Not in this build of the code.');
    return { rebuild: gone, switch: gone, rollback: null, retire: gone };
  }
  const target = rollbackTarget(projection);
  return {
    rebuild: v.rebuild
      ? no(`A rebuild is running (${percent(v.rebuild.progress)}).`)
      : v.state === 'building'
        ? no('Still building from the start of the log.')
        : yes,
    switch:
      v.state === 'serving'
        ? no('Already serving.')
        : v.state === 'building'
          ? no(`Still building (${percent(v.progress)} of the log); it can serve once caught up.`)
          : yes,
    rollback: v.state !== 'serving' ? null : target ? yes : no('No previous version is kept to roll back to.'),
    retire: v.state === 'serving' ? no('Serves reads: switch to another version first.') : yes,
  };
}

export function compareAvailability(projection: ProjectionOverview): Availability {
  return comparable(projection).length >= 2 ? yes : no('Only one version has tables: nothing to compare it with.');
}

/** Skip names the failing event, which the worker isolates on a retry. */
export function skipAvailability(v: VersionStatus): Availability {
  if (!isFailing(v.status)) return no('Not failing.');
  return v.failingEvent ? yes : no('The failing event is not isolated yet: retry first.');
}
