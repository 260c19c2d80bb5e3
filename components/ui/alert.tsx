import type { ReactNode } from 'react';

/** Announced as soon as it appears; for failures the user must act on. */
export function ErrorBanner({ title, children, action }: { title?: string; children: ReactNode; action?: ReactNode }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 break-anywhere">
          {title && <p className="font-semibold">{title}</p>}
          <p>{children}</p>
        </div>
        {action}
      </div>
    </div>
  );
}

/** Announced politely; for confirmations that need no action. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-800">
      {children}
    </p>
  );
}
