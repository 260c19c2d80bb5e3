'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLiveProjection } from '@/lib/live/client';
import { projectionPageKeys } from './queries';

/** A rebuild commits many batches a second; refetch at most this often. */
const THROTTLE_MS = 500;

/**
 * Every committed batch of every version reaches the 'projections' room: each
 * refetches the status and the operations log (an action's effect shows up in
 * both), at most once per THROTTLE_MS, leading and trailing. A resync (pushes
 * may have been lost) does the same.
 */
export function useProjectionsLive() {
  const client = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef(false);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );

  useLiveProjection(['projections'], () => {
    const refetch = () => {
      void client.invalidateQueries({ queryKey: projectionPageKeys.overview() });
      void client.invalidateQueries({ queryKey: projectionPageKeys.operations() });
    };
    if (timer.current) {
      pending.current = true;
      return;
    }
    refetch();
    const flush = () => {
      if (pending.current) {
        pending.current = false;
        refetch();
        timer.current = setTimeout(flush, THROTTLE_MS);
      } else {
        timer.current = null;
      }
    };
    timer.current = setTimeout(flush, THROTTLE_MS);
  });
}
