export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite">
      <span className="sr-only">Loading the audit timeline…</span>
      <div className="mb-4 h-4 w-28 animate-pulse rounded bg-slate-200" />
      <div className="mb-2 h-8 w-56 animate-pulse rounded bg-slate-200" />
      <div className="mb-6 h-5 w-72 max-w-full animate-pulse rounded bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="h-80 animate-pulse rounded-xl border border-slate-200 bg-white lg:col-span-2 lg:col-start-4 lg:row-start-1" />
        <div className="space-y-3 lg:col-span-3 lg:col-start-1 lg:row-start-1">
          {[0, 1, 2].map((i) => (
            <div key={i} className="h-36 animate-pulse rounded-xl border border-slate-200 bg-white" />
          ))}
        </div>
      </div>
    </div>
  );
}
