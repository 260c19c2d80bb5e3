import type { ProjectionStatus } from '@/lib/projections/status';

// What the projections API answers, as the page reads it (the contract of
// issue 10, item 11). Kept beside the page until the server exports types of
// its own for it.

export const VERSION_STATES = ['building', 'ready', 'serving', 'previous', 'retired'] as const;
export type VersionState = (typeof VERSION_STATES)[number];

export type FailingEvent = NonNullable<ProjectionStatus['failingEvent']>;

/** A rebuild into fresh tables beside the version's own, while it runs. */
export type RebuildStatus = {
  position: string;
  lagEvents: number;
  /** Share of the log replayed, 0..1. */
  progress: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  status: string;
  lastError: string | null;
  startedAt: string;
};

export type VersionStatus = {
  version: number;
  state: VersionState;
  position: string;
  lagEvents: number;
  progress: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  status: string;
  lastError: string | null;
  failedAttempts: number;
  failingEvent: FailingEvent | null;
  setAsideEvents: number;
  rebuild: RebuildStatus | null;
};

/** Today's fields describe the serving version; `versions` lists every one. */
export type ProjectionOverview = ProjectionStatus & { versions: VersionStatus[] };

export type ComparedView = {
  view: string;
  /** Columns compared. */
  compared: string[];
  /** Column → why it may differ (declared by a version). */
  expected: Record<string, string>;
  onlyInA: number;
  onlyInB: number;
  differing: number;
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
  /** The log position both versions were compared at. */
  position: string;
  passed: boolean;
  createdAt: string;
  views: ComparedView[];
  /** Views only one of the versions has: reported, not failed. */
  notCompared: Array<{ view: string; onlyIn: number }>;
};

export type Actor = { id: string; name: string };

export type OperationEntry = {
  type: string;
  data: Record<string, unknown>;
  version: number;
  at: string;
  actor: Actor | null;
  hash: string;
};
