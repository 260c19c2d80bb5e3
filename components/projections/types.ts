// What the projections API answers, as the server defines it; type-only
// imports, so nothing of the server reaches the browser.
export type { ProjectionOverview, VersionState, VersionStatus } from '@/lib/projections/status';
export type { ComparisonReport, ViewComparison } from '@/lib/projections/compare';
export type { OperationEntry } from '@/lib/projections/operations';
