'use client';

import { useSyncExternalStore } from 'react';
import { relativeTime } from '@/components/dashboard/format';
import { LocalTime } from './local-time';

// One clock for every relative time on the page: a timer per timestamp would
// wake the tab once per row.
const TICK_MS = 15_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(onTick: () => void) {
  listeners.add(onTick);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((listener) => listener());
    }, TICK_MS);
  }
  return () => {
    listeners.delete(onTick);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * "3 min ago", kept current, with the exact local time on hover. The server
 * does not know when the page is read, so it renders the exact time (as
 * LocalTime does) and the browser switches to the relative one.
 */
export function RelativeTime({ iso }: { iso: string }) {
  const current = useSyncExternalStore(
    subscribe,
    () => {
      // Before the first subscriber the clock is not running: read it, to the
      // tick, so that repeated reads agree.
      if (!timer) now = Math.floor(Date.now() / TICK_MS) * TICK_MS;
      return now;
    },
    () => null,
  );
  if (current === null) return <LocalTime iso={iso} />;
  const exact = new Date(iso);
  return (
    <time dateTime={iso} title={exact.toLocaleString()}>
      {relativeTime(iso, current)}
    </time>
  );
}
