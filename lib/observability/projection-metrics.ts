// Projection metrics read from the database at scrape time: the worker may
// run in another process (npm run start:worker) or on another machine, and
// any web process may answer a scrape, so these are never counted in memory.
// They are the figures GET /api/projections reports, from the same query.
import { Gauge, Registry } from 'prom-client';
import { parsePosition } from '../event-store/position';
import type { Queryable } from '../event-store/store';
import { listProjections, listProjectionStatus } from '../projections/status';
import type { Projection } from '../projections/types';

const STATES = ['building', 'ready', 'serving', 'previous', 'retired'] as const;

/** A fresh registry holding the projections' state as the database has it now. */
export async function projectionRegistry(
  db: Queryable,
  registered: readonly Pick<Projection, 'name' | 'version'>[],
): Promise<Registry> {
  const projections = await listProjections(db, registered);
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const labels = ['projection', 'version', 'slot'];
  const lagEvents = gauge(
    'ledgerline_projection_lag_events',
    'Committed events after the checkpoint (as /api/projections lagEvents).',
    labels,
  );
  const lagSeconds = gauge(
    'ledgerline_projection_lag_seconds',
    'Age of the oldest event not yet applied; 0 when caught up (lagMs / 1000).',
    labels,
  );
  const position = gauge(
    'ledgerline_projection_position',
    "Global position of the checkpoint (the second part of /api/projections's position).",
    labels,
  );
  const processed = gauge(
    'ledgerline_projection_events_processed',
    'Events applied since the version started (eventsProcessed).',
    labels,
  );
  const rate = gauge(
    'ledgerline_projection_events_per_second',
    "Throughput over the worker's last heartbeat interval (eventsPerSecond).",
    labels,
  );
  const failed = gauge(
    'ledgerline_projection_failed_attempts',
    'Failed batch attempts in a row (0 while healthy).',
    labels,
  );
  const setAside = gauge(
    'ledgerline_projection_set_aside_events',
    'Events the version set aside instead of applying.',
    ['projection', 'version'],
  );
  const state = gauge(
    'ledgerline_projection_version_state',
    'One series per version and state, 1 for its current state (building, ready, serving, previous, retired).',
    ['projection', 'version', 'state'],
  );
  const serving = gauge('ledgerline_projection_serving_version', 'The version each projection serves reads from.', [
    'projection',
  ]);
  const held = gauge(
    'ledgerline_events_held',
    'Committed events no reader may take yet (an older transaction is still open).',
    [],
  );

  for (const p of projections) {
    serving.set({ projection: p.name }, p.servingVersion);
    for (const v of p.versions) {
      const main = { projection: p.name, version: String(v.version), slot: 'main' };
      const slots = [
        { labels: main, progress: v },
        ...(v.rebuild ? [{ labels: { ...main, slot: 'rebuild' }, progress: v.rebuild }] : []),
      ];
      for (const { labels: l, progress } of slots) {
        lagEvents.set(l, progress.lagEvents);
        position.set(l, Number(parsePosition(progress.position).globalPosition));
        rate.set(l, progress.eventsPerSecond);
      }
      failed.set(main, v.failedAttempts);
      setAside.set({ projection: p.name, version: String(v.version) }, v.setAsideEvents);
      for (const s of STATES)
        state.set({ projection: p.name, version: String(v.version), state: s }, v.state === s ? 1 : 0);
    }
  }
  // Per-slot figures that VersionStatus leaves out, from the rows /api/projections's top level shows.
  for (const row of await listProjectionStatus(db, 'all')) {
    const l = { projection: row.name, version: String(row.version), slot: row.slot };
    lagSeconds.set(l, row.lagMs / 1000);
    processed.set(l, row.eventsProcessed);
  }
  held.set(projections[0]?.heldEvents ?? 0);
  return registry;
}
