import type { VersionState } from './types';

const STYLES: Record<VersionState, { label: string; className: string }> = {
  building: { label: 'Building', className: 'bg-sky-50 text-sky-800 ring-sky-600/20' },
  ready: { label: 'Ready', className: 'bg-indigo-50 text-indigo-800 ring-indigo-600/20' },
  serving: { label: 'Serving', className: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20' },
  previous: { label: 'Previous', className: 'bg-slate-100 text-slate-700 ring-slate-500/20' },
  retired: { label: 'Retired', className: 'bg-white text-slate-500 ring-slate-300' },
};

export function StateBadge({ state }: { state: VersionState }) {
  const style = STYLES[state] ?? { label: state, className: 'bg-slate-100 text-slate-700 ring-slate-500/20' };
  return (
    <span
      data-testid="version-state"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style.className}`}
    >
      <span className="size-1.5 rounded-full bg-current" aria-hidden="true" />
      {style.label}
    </span>
  );
}
