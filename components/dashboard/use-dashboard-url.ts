'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';

/** Changes to the dashboard's query string: a value sets a parameter, null removes it. */
export type UrlChanges = Record<string, string | null>;

/**
 * The dashboard keeps its state in the URL (`at`, the trend `window`, the
 * customer table's `q`, `sort` and `page`), so a reload or a shared link shows
 * the same screen and Back/Forward step through it. One place builds those
 * URLs, keeping the other parameters and leaving defaults out.
 */
export function useDashboardUrl() {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();

  const href = (changes: UrlChanges) => {
    const params = new URLSearchParams(searchParams.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) params.delete(key);
      else params.set(key, value);
    }
    // ":" needs no escaping in a query string: keep "at=2026-03-01T09:00:00Z" readable in a shared link.
    const query = params.toString().replaceAll('%3A', ':');
    return query ? `${pathname}?${query}` : pathname;
  };

  /** push: a new history entry, which Back returns from; replace: none (a search as it is typed). */
  const navigate = (changes: UrlChanges, mode: 'push' | 'replace') => router[mode](href(changes), { scroll: false });

  return { searchParams, href, navigate };
}
