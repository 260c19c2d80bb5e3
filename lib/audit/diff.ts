import { ADDRESS_FIELDS } from '../domain/order/rules';
import type { JsonValue } from '../event-store/types';
import type { ChangeKind, FieldChange } from './types';

// A structural diff of two order states (or any plain JSON). Objects are
// compared key by key; a list whose items all carry a unique identity (order
// lines: `sku`) is compared item by item by that identity, so one line that
// changes or disappears does not make every line after it look changed. Other
// lists (adjustments) are compared by position: they only ever grow.
// A value that appears or disappears as a whole (a new address, a new line) is
// ONE change carrying the whole value, not one per field inside it.

type Segment = string | number;

const IDENTITY_KEYS = ['sku'] as const;

type JsonRecord = { [key: string]: JsonValue };

// Changes come in the order a person reads an order, whatever order the keys
// had in storage (jsonb keeps keys sorted by length, not as they were written).
const KEY_ORDER = [
  ...['status', 'orderId', 'customerId', 'lines', 'currency', 'total', 'shippingAddress', 'placedAt', 'adjustments'],
  ...['shippedAt', 'cancelledAt', 'cancelReason', 'cancelReasonCode'],
  ...ADDRESS_FIELDS,
  ...['sku', 'quantity', 'unitPrice', 'lineTotal', 'amountDelta', 'reason', 'adjustedAt'],
];
const rank = (key: string) => {
  const index = KEY_ORDER.indexOf(key);
  return index === -1 ? KEY_ORDER.length : index;
};

const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function diffStates(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(before as JsonValue | undefined, after as JsonValue | undefined, [], changes);
  return changes;
}

function walk(before: JsonValue | undefined, after: JsonValue | undefined, segments: Segment[], out: FieldChange[]) {
  if (before === undefined && after === undefined) return;
  if (before === undefined) return void out.push(change(segments, 'added', undefined, after));
  if (after === undefined) return void out.push(change(segments, 'removed', before, undefined));

  if (isRecord(before) && isRecord(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((key) => !Object.hasOwn(before, key))];
    keys.sort((a, b) => rank(a) - rank(b));
    for (const key of keys) walk(before[key], after[key], [...segments, key], out);
    return;
  }

  if (Array.isArray(before) && Array.isArray(after)) {
    const identity = identityOf(before, after);
    if (identity) {
      const byId = (list: JsonValue[]) => new Map(list.map((item) => [(item as JsonRecord)[identity] as string, item]));
      const [was, is] = [byId(before), byId(after)];
      const ids = [...was.keys(), ...[...is.keys()].filter((id) => !was.has(id))];
      for (const id of ids) walk(was.get(id), is.get(id), [...segments, id], out);
    } else {
      for (let i = 0; i < Math.max(before.length, after.length); i++) walk(before[i], after[i], [...segments, i], out);
    }
    return;
  }

  // Two primitives, or two values of different kinds (list, object, primitive).
  if (before !== after) out.push(change(segments, 'changed', before, after));
}

function change(segments: Segment[], kind: ChangeKind, before: JsonValue | undefined, after: JsonValue | undefined) {
  const result: FieldChange = { path: segments.join('.'), segments, kind };
  if (before !== undefined) result.before = before;
  if (after !== undefined) result.after = after;
  return result;
}

/** The key that identifies every item of both lists, unique within each; undefined when there is none. */
function identityOf(before: JsonValue[], after: JsonValue[]): string | undefined {
  return IDENTITY_KEYS.find((key) =>
    [before, after].every((list) => {
      const ids = list.map((item) => (isRecord(item) ? item[key] : undefined));
      return ids.every((id) => typeof id === 'string') && new Set(ids).size === ids.length;
    }),
  );
}

/**
 * How the field at `path` was affected: its own change, the change of a value
 * it sits in (an address added whole), or `changed` when something inside it
 * changed. null when untouched. For highlighting a state on screen. `path` is
 * dotted (`'shippingAddress.city'`) or, where a key may itself hold a dot (a
 * SKU), the segments (`['lines', sku]`); matching goes by segments, so line
 * `A` is not touched by a change to line `A.B`.
 */
export function changeAt(changes: readonly FieldChange[], path: string | readonly Segment[]): ChangeKind | null {
  const at = typeof path === 'string' ? (path === '' ? [] : path.split('.')) : path;
  const exact = changes.find((c) => c.segments.length === at.length && startsWith(at, c.segments));
  if (exact) return exact.kind;
  const around = changes.find((c) => c.segments.length < at.length && startsWith(at, c.segments));
  if (around) return around.kind;
  return changes.some((c) => c.segments.length > at.length && startsWith(c.segments, at)) ? 'changed' : null;
}

/** Whether `path` begins with `prefix`, segment by segment (array indexes compare as text, as in a dotted path). */
function startsWith(path: readonly Segment[], prefix: readonly Segment[]): boolean {
  return prefix.every((segment, i) => String(segment) === String(path[i]));
}
