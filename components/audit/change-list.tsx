import { describeChange, type FieldChange } from '@/lib/audit';
import { LocalTime } from '@/components/format/local-time';

// Timestamps in a diff (shippedAt, cancelledAt, placedAt) read as dates in the reader's zone, like the rest of the page.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const shown = (raw: unknown, text: string) =>
  typeof raw === 'string' && ISO_INSTANT.test(raw) ? <LocalTime iso={raw} /> : text;

/**
 * What one event changed, field by field, old value struck through. A
 * placement makes every field new, which the state below shows better than a
 * list, so it says that instead.
 */
export function ChangeList({ diff, currency }: { diff: FieldChange[]; currency: string | undefined }) {
  const created = diff.some((change) => change.path === 'status' && change.before === 'empty');
  if (created) return <p className="text-sm text-slate-600">The order was created: every field below is new.</p>;
  if (diff.length === 0) return <p className="text-sm text-slate-600">This event changed no field of the order.</p>;

  return (
    <ul className="space-y-1.5 text-sm" data-testid="audit-changes">
      {diff.map((change) => {
        const { field, kind, before, after } = describeChange(change, currency);
        return (
          <li key={change.path} className="break-anywhere">
            <span className="font-medium text-slate-900">{field}</span>
            {kind === 'removed' ? ' removed' : kind === 'added' ? ' added' : ''}:{' '}
            {before !== null && (
              <del className="text-slate-600">
                <span className="sr-only">was </span>
                {shown(change.before, before)}
              </del>
            )}
            {before !== null && after !== null && <span aria-hidden="true"> → </span>}
            {after !== null && (
              <ins className="rounded bg-amber-100 px-1 text-slate-900 no-underline">
                <span className="sr-only">{before !== null ? ', now ' : ''}</span>
                {shown(change.after, after)}
              </ins>
            )}
          </li>
        );
      })}
    </ul>
  );
}
