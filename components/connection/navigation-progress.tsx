'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useState } from 'react';

// A thin bar at the top while a page transition is under way. The App Router
// has no navigation events, so it starts on a click on a same-origin link to
// another URL (the way nextjs-toploader does it) and ends when the path or
// query string changes. Shown after a short delay, so instant transitions flash nothing.
const SHOW_AFTER_MS = 120;
const GIVE_UP_MS = 15_000;

function isNavigation(event: MouseEvent): URL | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return null;
  const anchor = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
  if (!anchor || (anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return null;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return null;
  // Same page (or only its #fragment): nothing loads.
  if (url.pathname === window.location.pathname && url.search === window.location.search) return null;
  return url;
}

function Progress() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const [started, setStarted] = useState<number | null>(null);
  const [visible, setVisible] = useState(false);

  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (isNavigation(event)) setStarted(Date.now());
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, []);

  // Arrived: the URL changed.
  const [shownUrl, setShownUrl] = useState(`${pathname}?${search}`);
  if (shownUrl !== `${pathname}?${search}`) {
    setShownUrl(`${pathname}?${search}`);
    setStarted(null);
    setVisible(false);
  }

  useEffect(() => {
    if (started === null) return;
    const show = setTimeout(() => setVisible(true), SHOW_AFTER_MS);
    const stop = setTimeout(() => {
      setStarted(null);
      setVisible(false);
    }, GIVE_UP_MS);
    return () => {
      clearTimeout(show);
      clearTimeout(stop);
    };
  }, [started]);

  if (!visible) return null;
  return (
    <div
      role="progressbar"
      aria-label="Loading page"
      data-testid="navigation-progress"
      className="pointer-events-none fixed inset-x-0 top-0 z-50 h-0.5 overflow-hidden bg-indigo-100"
    >
      <div className="h-full w-1/3 animate-[ll-progress_1.2s_ease-in-out_infinite] bg-indigo-600" />
    </div>
  );
}

/** Reads the URL (useSearchParams), hence its own Suspense boundary. */
export function NavigationProgress() {
  return (
    <Suspense fallback={null}>
      <Progress />
    </Suspense>
  );
}
