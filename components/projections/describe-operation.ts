import type { OperationEntry } from './types';

// An entry of the operations log in words. Types this page does not know yet
// are shown by name with their data, so a newer server never breaks the log.

export type DescribedOperation = { what: string; why: string | null; details: string[] };

const str = (data: Record<string, unknown>, ...keys: string[]): string | null => {
  for (const key of keys) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return null;
};

const v = (n: string | null) => (n === null ? '' : ` v${n}`);

export function describeOperation(entry: OperationEntry): DescribedOperation {
  const d = entry.data ?? {};
  const name = str(d, 'projection', 'name') ?? 'a projection';
  const version = str(d, 'version');
  const why = str(d, 'reason');
  const error = str(d, 'error');
  const details: string[] = [];
  switch (entry.type) {
    case 'ProjectionEventSkipped': {
      if (error) details.push(`It failed with: ${error}`);
      return {
        what: `Skipped ${str(d, 'eventType') ?? 'an event'}${v(str(d, 'streamVersion'))} of ${str(d, 'streamId') ?? 'a stream'} (at ${str(d, 'position') ?? '?'}) in ${name}${v(version)}`,
        why,
        details,
      };
    }
    case 'ProjectionRetryRequested':
      if (error) details.push(`It had failed with: ${error}`);
      return { what: `Asked ${name}${v(version)} to retry its failing event`, why, details };
    case 'ProjectionRebuildRequested':
      return { what: `Requested a rebuild of ${name}${v(version)}`, why, details };
    case 'ProjectionRebuilt': {
      const events = str(d, 'eventsProcessed', 'events');
      if (events) details.push(`${events} events replayed`);
      return { what: `${name}${v(version)} finished rebuilding`, why, details };
    }
    case 'ProjectionsCompared': {
      const passed = d.passed;
      return {
        what: `Compared ${name}${v(str(d, 'a'))} with${v(str(d, 'b'))}${passed === true ? ': they agree' : passed === false ? ': differences found' : ''}`,
        why,
        details: str(d, 'position') ? [`At position ${str(d, 'position')}`] : [],
      };
    }
    case 'ProjectionSwitched': {
      const from = str(d, 'from', 'fromVersion', 'previousVersion');
      const to = str(d, 'to', 'toVersion', 'version');
      if (d.override === true) details.push('The comparison did not pass: switched by override');
      return { what: `Switched ${name}${from ? ` from v${from}` : ''} to v${to ?? '?'}`, why, details };
    }
    case 'ProjectionRolledBack': {
      const from = str(d, 'from', 'fromVersion');
      const to = str(d, 'to', 'toVersion', 'version');
      return { what: `Rolled ${name} back${from ? ` from v${from}` : ''} to v${to ?? '?'}`, why, details };
    }
    case 'ProjectionRetired':
      return { what: `Retired ${name}${v(version)}`, why, details };
    default:
      return { what: `${entry.type} on ${name}${v(version)}`, why, details: [JSON.stringify(d)] };
  }
}
