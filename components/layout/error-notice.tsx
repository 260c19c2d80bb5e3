'use client';

import { useEffect } from 'react';
import { Button } from '@/components/ui/button';

// Server errors arrive here without their message in production (only a
// digest that matches the server log), so the notice shows the digest.
export function ErrorNotice({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && 'digest' in error ? String(error.digest) : null;

  return (
    <div
      role="alert"
      className="mx-auto max-w-lg rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm"
    >
      <h1 className="text-lg font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600">
        This page could not be loaded. It may be a temporary problem; trying again often helps.
      </p>
      {digest && <p className="mt-2 font-mono text-xs text-slate-500">Reference: {digest}</p>}
      <Button className="mt-4" onClick={() => retry()}>
        Try again
      </Button>
    </div>
  );
}
