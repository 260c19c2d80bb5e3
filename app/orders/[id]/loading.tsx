export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite">
      <span className="sr-only">Loading the order…</span>
      <div className="mb-4 h-4 w-24 animate-pulse rounded bg-slate-200" />
      <div className="mb-6 h-8 w-64 animate-pulse rounded bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="h-64 animate-pulse rounded-xl border border-slate-200 bg-white lg:col-span-2" />
        <div className="h-64 animate-pulse rounded-xl border border-slate-200 bg-white" />
      </div>
    </div>
  );
}
