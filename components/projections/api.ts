import { getJson, sendJson } from '@/lib/client/fetchers';
import type { ComparisonReport, OperationEntry, ProjectionOverview } from './types';

// The projections API as the page calls it: reads for the queries, writes for
// the actions. Writes go through fetch from this page (cookie plus the
// browser's own Origin), so they meet the API's same-origin check.

const base = (name: string) => `/api/projections/${encodeURIComponent(name)}`;
const ofVersion = (name: string, version: number) => `${base(name)}/versions/${version}`;

export async function fetchOverview(signal?: AbortSignal): Promise<ProjectionOverview[]> {
  return (await getJson<{ projections: ProjectionOverview[] }>('/api/projections', signal)).projections;
}

export async function fetchOperations(signal?: AbortSignal): Promise<OperationEntry[]> {
  return (await getJson<{ operations: OperationEntry[] }>('/api/operations', signal)).operations;
}

export function fetchComparison(name: string, a: number, b: number, signal?: AbortSignal): Promise<ComparisonReport> {
  return getJson<ComparisonReport>(`${base(name)}/compare?a=${a}&b=${b}`, signal);
}

export type ProjectionAction =
  | { kind: 'rebuild'; name: string; version: number; reason: string }
  | { kind: 'switch'; name: string; version: number; reason: string; override: boolean }
  | { kind: 'rollback'; name: string; reason: string }
  | { kind: 'retire'; name: string; version: number; reason: string }
  | { kind: 'retry'; name: string; version: number; reason: string }
  | { kind: 'skip'; name: string; version: number; position: string; reason: string };

export type SwitchResult = { serving: unknown; comparison: ComparisonReport | null; operation: unknown };

/** Sends one operator action; an empty reason is left out where the API makes it optional. */
export function runAction(action: ProjectionAction): Promise<unknown> {
  const reason = action.reason.trim() || undefined;
  switch (action.kind) {
    case 'rebuild':
      return sendJson('POST', `${base(action.name)}/rebuild`, { version: action.version, reason });
    case 'switch':
      return sendJson<SwitchResult>('POST', `${ofVersion(action.name, action.version)}/switch`, {
        reason,
        ...(action.override ? { override: true } : {}),
      });
    case 'rollback':
      return sendJson('POST', `${base(action.name)}/rollback`, { reason });
    case 'retire':
      return sendJson('DELETE', ofVersion(action.name, action.version), { reason });
    case 'retry':
      return sendJson('POST', `${ofVersion(action.name, action.version)}/retry`, { reason });
    case 'skip':
      return sendJson('POST', `${ofVersion(action.name, action.version)}/skip`, {
        position: action.position,
        reason,
      });
    default: {
      const unknown: never = action;
      throw new Error(`unknown action ${JSON.stringify(unknown)}`);
    }
  }
}
