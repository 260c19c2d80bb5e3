import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { withTransaction } from '../db/transaction';
import { ruleViolation, validationError } from '../errors';
import type { EventStore } from '../event-store';
import { readVersionCheckpoints, type VersionCheckpoint } from './checkpoint';
import { recordOperation, type Actor } from './operations-log';
import type { CompareView, Projection } from './types';

// Two versions of a projection compared at one log position: each view's rows
// keyed alike in both, on the columns both have, minus those either version
// declares may differ (CompareView.expected). Both are read in one
// REPEATABLE READ snapshot in which their checkpoints stand at the same
// position, so the rows compared describe the same events: no lock is taken,
// and neither worker waits while the comparison reads.

export type ViewComparison = {
  view: string;
  /** The compared columns (the key excluded). */
  compared: string[];
  /** Left out of the comparison, with why, as the versions declared it. */
  expected: Record<string, string>;
  onlyInA: number;
  onlyInB: number;
  differing: number;
  /** Up to SAMPLE_SIZE rows of each kind. */
  samples: {
    onlyInA: Record<string, unknown>[];
    onlyInB: Record<string, unknown>[];
    differing: Array<{ key: Record<string, unknown>; a: Record<string, unknown>; b: Record<string, unknown> }>;
  };
};

export type ComparisonReport = {
  id: string;
  name: string;
  a: number;
  b: number;
  /** The log position both versions stood at. */
  position: string;
  /** No view has a row only in one version or a row that differs. */
  passed: boolean;
  createdAt: string;
  views: ViewComparison[];
  /** Views only one of the versions has: reported, never a failure. */
  notCompared: Array<{ view: string; onlyIn: number }>;
};

export type CompareServices = { pool: pg.Pool; store: EventStore };

const SAMPLE_SIZE = 5;
/** How long to look for a moment when both versions stand at the same position. */
const SAME_POSITION_WAIT_MS = 5_000;

/**
 * Compares versions `a` and `b` and keeps the report (projection_comparisons,
 * and the operations log). Refused with NOT_AT_SAME_POSITION when the two do
 * not stand at one position within a few seconds (one is stalled or still
 * building).
 */
export async function compareVersions(
  services: CompareServices,
  a: Projection,
  b: Projection,
  actor: Actor,
  options: { waitMs?: number } = {},
): Promise<ComparisonReport> {
  if (a.name !== b.name) throw validationError({}, 'Only versions of one projection can be compared.');
  if (a.version === b.version)
    throw validationError({ b: 'Pick another version than a.' }, 'Compare two different versions.');
  const found = await inOneSnapshot(services.pool, a, b, options.waitMs ?? SAME_POSITION_WAIT_MS);
  const report: ComparisonReport = {
    id: '',
    name: a.name,
    a: a.version,
    b: b.version,
    position: found.position,
    passed: found.views.every((v) => v.onlyInA === 0 && v.onlyInB === 0 && v.differing === 0),
    createdAt: '',
    views: found.views,
    notCompared: [
      ...a.compare
        .filter((v) => !b.compare.some((w) => w.view === v.view))
        .map((v) => ({ view: v.view, onlyIn: a.version })),
      ...b.compare
        .filter((v) => !a.compare.some((w) => w.view === v.view))
        .map((v) => ({ view: v.view, onlyIn: b.version })),
    ],
  };
  return withTransaction(services.pool, async (tx) => {
    const { rows } = await tx.query<{ id: string; created_at: Date }>(
      `INSERT INTO projection_comparisons (id, name, version_a, version_b, position, passed, report)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
      [report.name, report.a, report.b, report.position, report.passed, JSON.stringify(report)],
    );
    const kept = { ...report, id: rows[0]!.id, createdAt: rows[0]!.created_at.toISOString() };
    await tx.query('UPDATE projection_comparisons SET report = $2 WHERE id = $1', [kept.id, JSON.stringify(kept)]);
    await recordOperation(
      services.store,
      tx,
      {
        type: 'ProjectionsCompared',
        data: {
          projection: a.name,
          a: a.version,
          b: b.version,
          position: kept.position,
          passed: kept.passed,
          comparisonId: kept.id,
        },
      },
      actor,
    );
    return kept;
  });
}

type Snapshot = { position: string; views: ViewComparison[] };

async function inOneSnapshot(pool: pg.Pool, a: Projection, b: Projection, waitMs: number): Promise<Snapshot> {
  let last: Map<number, VersionCheckpoint> = new Map();
  for (const deadline = Date.now() + waitMs; ; await sleep(20)) {
    const found = await withTransaction(
      pool,
      async (tx) => {
        last = await readVersionCheckpoints(tx, a.name, [a.version, b.version]);
        for (const p of [a, b]) {
          const at = last.get(p.version);
          if (!at) throw ruleViolation('NOT_STARTED', `${p.name} v${p.version} has not started yet.`);
          if (at.retired)
            throw ruleViolation('VERSION_RETIRED', `${p.name} v${p.version} is retired: its tables are gone.`);
        }
        const position = last.get(a.version)!.position;
        if (position !== last.get(b.version)!.position) return null;
        const views: ViewComparison[] = [];
        for (const view of a.compare) {
          const other = b.compare.find((v) => v.view === view.view);
          if (other) views.push(await compareView(tx, view, other));
        }
        return { position, views };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    if (found) return found;
    if (Date.now() >= deadline) {
      throw ruleViolation(
        'NOT_AT_SAME_POSITION',
        `${a.name} v${a.version} is at ${last.get(a.version)?.position} and v${b.version} at ${last.get(b.version)?.position}: ` +
          'a comparison needs both at one position (is one of them stalled or still building?).',
      );
    }
  }
}

async function columnsOf(tx: pg.PoolClient, table: string): Promise<string[]> {
  const { rows } = await tx.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

async function compareView(tx: pg.PoolClient, a: CompareView, b: CompareView): Promise<ViewComparison> {
  const [colsA, colsB] = await Promise.all([columnsOf(tx, a.table), columnsOf(tx, b.table)]);
  const expected = { ...a.expected, ...b.expected };
  const key = a.key;
  if (key.join() !== b.key.join()) throw new Error(`view ${a.view}: the versions key it differently`);
  const compared = colsA.filter((c) => colsB.includes(c) && !key.includes(c) && !(c in expected));
  const object = (cols: readonly string[]) =>
    cols.length === 0
      ? `'{}'::jsonb`
      : `jsonb_build_object(${cols.map((c) => `${pg.escapeLiteral(c)}, ${pg.escapeIdentifier(c)}`).join(', ')})`;
  const source = (view: CompareView) =>
    `SELECT ${object(key)} AS k, ${object(compared)} AS r FROM public.${pg.escapeIdentifier(view.table)}`;
  const withRows = `WITH a AS (${source(a)}), b AS (${source(b)})`;
  const { rows: counts } = await tx.query<{ only_a: number; only_b: number; differing: number }>(
    `${withRows}
     SELECT count(*) FILTER (WHERE b.k IS NULL)::int AS only_a, count(*) FILTER (WHERE a.k IS NULL)::int AS only_b,
            count(*) FILTER (WHERE a.k IS NOT NULL AND b.k IS NOT NULL AND a.r <> b.r)::int AS differing
       FROM a FULL JOIN b ON a.k = b.k`,
  );
  const { rows: samples } = await tx.query<{
    kind: string;
    k: Record<string, unknown>;
    ra: Record<string, unknown> | null;
    rb: Record<string, unknown> | null;
  }>(
    `${withRows}
     (SELECT 'a' AS kind, a.k, a.r AS ra, NULL::jsonb AS rb FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k) LIMIT ${SAMPLE_SIZE})
     UNION ALL
     (SELECT 'b', b.k, NULL, b.r FROM b WHERE NOT EXISTS (SELECT 1 FROM a WHERE a.k = b.k) LIMIT ${SAMPLE_SIZE})
     UNION ALL
     (SELECT 'd', a.k, a.r, b.r FROM a JOIN b ON a.k = b.k WHERE a.r <> b.r LIMIT ${SAMPLE_SIZE})`,
  );
  const c = counts[0]!;
  return {
    view: a.view,
    compared,
    expected,
    onlyInA: c.only_a,
    onlyInB: c.only_b,
    differing: c.differing,
    samples: {
      onlyInA: samples.filter((s) => s.kind === 'a').map((s) => ({ ...s.k, ...s.ra })),
      onlyInB: samples.filter((s) => s.kind === 'b').map((s) => ({ ...s.k, ...s.rb })),
      differing: samples.filter((s) => s.kind === 'd').map((s) => ({ key: s.k, a: s.ra!, b: s.rb! })),
    },
  };
}
