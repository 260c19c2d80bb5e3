'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { atFromUrl } from './as-of';

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
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  const href = (next: string | null) => {
    const params = new URLSearchParams(searchParams.toString());
    if (next) params.set('at', next);
    else params.delete('at');
    // ":" needs no escaping in a query string: keep "at=2026-03-01T09:00:00Z" readable in a shared link.
    const query = params.toString().replaceAll('%3A', ':');
    return query ? `${pathname}?${query}` : pathname;
  };

  return {
    at: atFromUrl(searchParams.get('at')),
    href,
    go: (next) => startTransition(() => router.push(href(next), { scroll: false })),
    pending,
  };
}
