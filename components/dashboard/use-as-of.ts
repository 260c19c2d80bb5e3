'use client';

import { useTransition } from 'react';
import { atFromUrl } from './as-of';
import { useDashboardUrl } from './use-dashboard-url';

export type AsOf = {
  /** The moment from `?at=`, as given (the API validates it); null: the live dashboard. */
  at: string | null;
  /** The dashboard's URL with `at` set to `next`, or without it (live). Other parameters are kept. */
  href: (next: string | null) => string;
  /** Navigates there: a new history entry, so Back returns to the previous moment. */
  go: (next: string | null) => void;
  /** True from a `go` until the new URL is in place. */
  pending: boolean;
};

/**
 * The dashboard's moment lives in the URL, so a link shows the same moment to
 * whoever opens it and Back/Forward step between moments. (The page is
 * rendered per request, because it checks the session, so the server renders
 * it with the right moment too; the Suspense boundary around its user in
 * app/dashboard/page.tsx is what Next asks for useSearchParams all the same.)
 */
export function useAsOf(): AsOf {
  const { searchParams, href, navigate } = useDashboardUrl();
  const [pending, startTransition] = useTransition();
  return {
    at: atFromUrl(searchParams.get('at')),
    href: (next) => href({ at: next || null }),
    go: (next) => startTransition(() => navigate({ at: next || null }, 'push')),
    pending,
  };
}
