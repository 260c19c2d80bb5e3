export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite">
      <span className="sr-only">Loading orders…</span>
      <div className="mb-6 h-8 w-40 animate-pulse rounded bg-slate-200" />
      <div className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="flex items-center justify-between px-5 py-4">
            <div className="space-y-2">
              <div className="h-4 w-40 animate-pulse rounded bg-slate-200" />
              <div className="h-3 w-56 animate-pulse rounded bg-slate-100" />
            </div>
            <div className="h-4 w-16 animate-pulse rounded bg-slate-200" />
          </div>
        ))}
      </div>
    </div>
  );
}
