'use client';

import { useEffect, useState } from 'react';

/** Copies `value` (a whole id or hash, where the page shows its first characters) and says it did. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      onClick={() =>
        navigator.clipboard.writeText(value).then(
          () => setCopied('yes'),
          () => setCopied('failed'),
        )
      }
      className="ml-1 inline-flex min-h-6 min-w-6 items-center justify-center rounded align-middle text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      title={`Copy ${label}`}
    >
      <span className="sr-only">Copy {label}</span>
      {copied === 'yes' ? (
        <span aria-hidden="true">✓</span>
      ) : (
        <svg
          viewBox="0 0 16 16"
          className="size-3.5"
          aria-hidden="true"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
        >
          <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
          <path d="M10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1" />
        </svg>
      )}
      <span role="status" className="sr-only">
        {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Could not copy' : ''}
      </span>
    </button>
  );
}
