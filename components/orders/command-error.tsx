'use client';

import { useRouter } from 'next/navigation';
import type { ActionError } from '@/lib/actions/result';
import { ErrorBanner } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/**
 * A refused command. A conflict means the page is out of date, so it offers
 * the one useful next step: load the order as it is now.
 */
export function CommandError({
  error,
  title,
  message,
}: {
  error: ActionError | null;
  title: string;
  /** Replaces the server's message where the form can say it better (in the user's units, say). */
  message?: string;
}) {
  const router = useRouter();
  if (!error) return null;
  // Field errors are shown by their fields; a banner with nothing left to say would only add noise.
  if (error.fields && Object.keys(error.fields).length === 0) return null;
  const stale = error.code === 'CONFLICT';
  return (
    <ErrorBanner
      title={title}
      action={
        stale ? (
          <Button variant="secondary" className="min-h-8 px-3 py-1" onClick={() => router.refresh()}>
            Reload order
          </Button>
        ) : undefined
      }
    >
      {message ?? error.message}
    </ErrorBanner>
  );
}
