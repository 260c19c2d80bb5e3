import { count, duration } from '@/components/dashboard/format';
import type { OperationEntry } from './types';

// An entry of the operations log in words: what was done, why (the
// operator's reason), and details. The switch covers every operation the
// server records (a new one fails to compile until it is described); one this
// page does not know at run time (a newer server) shows by name with its data.

export type DescribedOperation = { what: string; why: string | null; details: string[] };

/** An entry as it may arrive: one of ours, or of a type this build does not know. */
export type AnyOperationEntry =
  OperationEntry | (Omit<OperationEntry, 'type' | 'data'> & { type: string; data: unknown });

export function describeOperation(entry: AnyOperationEntry): DescribedOperation {
  const known = entry as OperationEntry;
  switch (known.type) {
    case 'ProjectionEventSkipped': {
      const d = known.data;
      return {
        what: `Skipped ${d.eventType} v${d.streamVersion} of ${d.streamId} (at ${d.position}) in ${d.projection} v${d.version}`,
        why: d.reason,
        details: d.error ? [`It failed with: ${d.error}`] : [],
      };
    }
    case 'ProjectionRetryRequested': {
      const d = known.data;
      return {
        what: `Asked ${d.projection} v${d.version} to retry its failing event`,
        why: d.reason,
        details: d.error ? [`It had failed with: ${d.error}`] : [],
      };
    }
    case 'ProjectionRebuildRequested': {
      const d = known.data;
      return { what: `Requested a rebuild of ${d.projection} v${d.version}`, why: d.reason, details: [] };
    }
    case 'ProjectionRebuilt': {
      const d = known.data;
      return {
        what: `${d.projection} v${d.version} finished rebuilding and took over`,
        why: null,
        details: [
          `${count(d.eventsProcessed)} ${d.eventsProcessed === 1 ? 'event' : 'events'} in ${duration(d.durationMs)}, up to ${d.position}`,
        ],
      };
    }
    case 'ProjectionsCompared': {
      const d = known.data;
      return {
        what: `Compared ${d.projection} v${d.a} with v${d.b}: ${d.passed ? 'they agree' : 'differences found'}`,
        why: null,
        details: [`At position ${d.position}`],
      };
    }
    case 'ProjectionSwitched': {
      const d = known.data;
      return {
        what: `Switched ${d.projection} from v${d.from} to v${d.to}`,
        why: d.reason,
        details: d.override ? ['Without a passing comparison: by override'] : [],
      };
    }
    case 'ProjectionRolledBack': {
      const d = known.data;
      return { what: `Rolled ${d.projection} back from v${d.from} to v${d.to}`, why: d.reason, details: [] };
    }
    case 'ProjectionRetired': {
      const d = known.data;
      return {
        what: `Retired ${d.projection} v${d.version}`,
        why: d.reason,
        details: d.tables.length ? [`Dropped ${d.tables.join(', ')}`] : [],
      };
    }
    default: {
      known satisfies never;
      return { what: entry.type, why: null, details: [JSON.stringify(entry.data)] };
    }
  }
}
