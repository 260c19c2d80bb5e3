import { describe, expect, it } from 'vitest';
import { compareAvailability, skipAvailability, versionActions } from '@/components/projections/availability';
import { describeOperation, type AnyOperationEntry } from '@/components/projections/describe-operation';
import type { ProjectionOverview, VersionStatus } from '@/components/projections/types';

const version = (v: Partial<VersionStatus> & Pick<VersionStatus, 'version' | 'state'>): VersionStatus => ({
  position: '1:1',
  lagEvents: 0,
  progress: 1,
  eventsPerSecond: 0,
  etaSeconds: null,
  status: 'running',
  lastError: null,
  failedAttempts: 0,
  failingEvent: null,
  setAsideEvents: 0,
  registered: true,
  caughtUpAt: '2026-01-01T00:00:00.000Z',
  retiredAt: null,
  rebuild: null,
  ...v,
});

const projection = (versions: VersionStatus[]): ProjectionOverview => ({
  name: 'customer_stats',
  version: 1,
  slot: 'main',
  position: '1:1',
  lagEvents: 0,
  lagMs: 0,
  status: 'running',
  lastError: null,
  lastErrorAt: null,
  failedAttempts: 0,
  eventsProcessed: 100,
  eventsPerSecond: 0,
  caughtUpAt: null,
  retiredAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  processedAt: null,
  heartbeatAt: null,
  owner: null,
  heldEvents: 0,
  heldMs: 0,
  heldBy: null,
  failingEvent: null,
  setAsideEvents: 0,
  lastSetAside: null,
  servingVersion: 1,
  previousVersion: null,
  switchedAt: null,
  versions,
});

describe('which actions a version offers', () => {
  const serving = version({ version: 1, state: 'serving' });
  const building = version({ version: 2, state: 'building', progress: 0.42 });

  it('never retires or switches to the serving version, and says why', () => {
    const actions = versionActions(projection([serving, building]), serving);
    expect(actions.retire).toEqual({ ok: false, why: expect.stringMatching(/switch to another version first/) });
    expect(actions.switch.ok).toBe(false);
    expect(actions.rebuild.ok).toBe(true);
  });

  it('does not switch to a version still building, and tells how far it is', () => {
    const actions = versionActions(projection([serving, building]), building);
    expect(actions.switch).toEqual({ ok: false, why: expect.stringContaining('42%') });
    expect(actions.retire.ok).toBe(true);
    expect(actions.rollback).toBeNull();
  });

  it('rolls back only from the serving version, and only when a previous one is kept', () => {
    expect(versionActions(projection([serving, building]), serving).rollback?.ok).toBe(false);
    const previous = version({ version: 1, state: 'previous' });
    const now = version({ version: 2, state: 'serving' });
    expect(versionActions(projection([previous, now]), now).rollback?.ok).toBe(true);
  });

  it('does not start a second rebuild while one runs', () => {
    const rebuilding = version({
      version: 1,
      state: 'serving',
      rebuild: {
        position: '1:1',
        lagEvents: 5,
        progress: 0.5,
        eventsPerSecond: 10,
        etaSeconds: 1,
        status: 'running',
        lastError: null,
        startedAt: '2026-01-01T00:00:00.000Z',
        failingEvent: null,
      },
    });
    expect(versionActions(projection([rebuilding]), rebuilding).rebuild).toEqual({
      ok: false,
      why: expect.stringContaining('50%'),
    });
  });

  it('offers nothing on a version this build has no code for', () => {
    const gone = version({ version: 2, state: 'ready', registered: false });
    const actions = versionActions(projection([serving, gone]), gone);
    expect([actions.rebuild.ok, actions.switch.ok, actions.retire.ok]).toEqual([false, false, false]);
  });

  it('compares only with two versions that have tables', () => {
    expect(compareAvailability(projection([serving])).ok).toBe(false);
    expect(compareAvailability(projection([serving, version({ version: 2, state: 'retired' })])).ok).toBe(false);
    expect(compareAvailability(projection([serving, building])).ok).toBe(true);
  });

  it('skips only an isolated failing event', () => {
    expect(skipAvailability(serving).ok).toBe(false);
    expect(skipAvailability(version({ version: 1, state: 'serving', status: 'stalled' })).ok).toBe(false);
    const failingEvent = { position: '9:9', streamId: 'order-1', streamVersion: 2, eventType: 'OrderShipped' };
    expect(skipAvailability(version({ version: 1, state: 'serving', status: 'stalled', failingEvent })).ok).toBe(true);
  });
});

describe('operations in words', () => {
  const entry = (type: string, data: Record<string, unknown>) =>
    ({
      type,
      data,
      version: 1,
      at: '2026-01-01T00:00:00.000Z',
      actor: null,
      hash: 'h',
    }) as AnyOperationEntry;

  it('names the skipped event and keeps the reason apart', () => {
    const described = describeOperation(
      entry('ProjectionEventSkipped', {
        projection: 'order_metrics',
        version: 1,
        position: '5:7',
        streamId: 'order-abc',
        streamVersion: 3,
        eventType: 'OrderShipped',
        error: 'boom',
        reason: 'bad data',
      }),
    );
    expect(described.what).toBe('Skipped OrderShipped v3 of order-abc (at 5:7) in order_metrics v1');
    expect(described.why).toBe('bad data');
    expect(described.details).toEqual(['It failed with: boom']);
  });

  it('shows an operation it does not know by its type and data', () => {
    const described = describeOperation(entry('ProjectionFrobbed', { projection: 'p', level: 3 }));
    expect(described.what).toBe('ProjectionFrobbed');
    expect(described.details).toEqual(['{"projection":"p","level":3}']);
  });
});
