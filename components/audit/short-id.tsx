import { CopyButton } from './copy-button';

/**
 * The first characters of an id, the whole id in the tooltip, and a button
 * that copies the whole id (the text node holds only the short form).
 */
export function ShortId({
  value,
  length = 8,
  label = 'id',
}: {
  value: string | null;
  length?: number;
  label?: string;
}) {
  if (!value) return <span className="text-slate-600">none</span>;
  return (
    <span className="whitespace-nowrap">
      {value.length <= length ? (
        <span className="font-mono">{value}</span>
      ) : (
        <abbr title={value} className="cursor-help font-mono no-underline">
          {value.slice(0, length)}
          <span aria-hidden="true">…</span>
        </abbr>
      )}
      <CopyButton value={value} label={label} />
    </span>
  );
}
