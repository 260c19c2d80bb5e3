/** The first characters of an id, the whole id in the tooltip (and on copy: the text node holds only the short form). */
export function ShortId({ value, length = 8 }: { value: string | null; length?: number }) {
  if (!value) return <span className="text-slate-400">none</span>;
  if (value.length <= length) return <span className="font-mono">{value}</span>;
  return (
    <abbr title={value} className="cursor-help font-mono no-underline">
      {value.slice(0, length)}
      <span aria-hidden="true">…</span>
    </abbr>
  );
}
