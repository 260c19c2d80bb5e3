'use client';

import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLiveProjection } from '@/lib/live/client';
import { dashboardKeys } from './queries';

/** Under a burst the worker pushes many batches a second; refetch each view at most this often. */
const THROTTLE_MS = 500;

/**
 * Pushes invalidate the matching keys: 'dashboard' (order metrics) the
 * metrics, 'customers' the customer table, 'projections' (every batch) the
 * lag and the event feed. A resync (pushes may have been lost) refetches all.
 */
export function useDashboardLive() {
  const client = useQueryClient();
  // Pushes stop when the live view goes (a past moment, another page), and
  // what stays cached then misses every change: mark it stale on the way out,
  // so that coming back refetches instead of showing it as live.
  useEffect(
    () => () => {
      for (const queryKey of [
        dashboardKeys.metrics(),
        dashboardKeys.recentEvents(),
        dashboardKeys.customers(),
        dashboardKeys.projections(),
      ]) {
        void client.invalidateQueries({ queryKey, refetchType: 'none' });
      }
    },
    [client],
  );
  const invalidate = useThrottledInvalidate();
  useLiveProjection(['dashboard'], () => invalidate(dashboardKeys.metrics()));
  useLiveProjection(['customers'], () => invalidate(dashboardKeys.customers()));
  useLiveProjection(['projections'], (message) => {
    invalidate(dashboardKeys.projections());
    invalidate(dashboardKeys.recentEvents());
    if (message.type === 'resync') {
      invalidate(dashboardKeys.metrics());
      invalidate(dashboardKeys.customers());
    }
  });
}

/** Leading and trailing: the first push refetches at once, later ones within the window once at its end. */
function useThrottledInvalidate() {
  const client = useQueryClient();
  const timers = useRef(new Map<string, { timer: ReturnType<typeof setTimeout>; pending: boolean }>());

  useEffect(() => {
    const map = timers.current;
    return () => {
      map.forEach(({ timer }) => clearTimeout(timer));
      map.clear();
    };
  }, []);

  return (queryKey: QueryKey) => {
    const id = JSON.stringify(queryKey);
    const entry = timers.current.get(id);
    if (entry) {
      entry.pending = true;
      return;
    }
    const run = () => void client.invalidateQueries({ queryKey });
    run();
    const state = {
      pending: false,
      timer: setTimeout(function flush() {
        if (state.pending) {
          state.pending = false;
          run();
          state.timer = setTimeout(flush, THROTTLE_MS);
        } else {
          timers.current.delete(id);
        }
      }, THROTTLE_MS),
    };
    timers.current.set(id, state);
  };
}
