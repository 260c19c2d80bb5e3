'use client';

import { useSyncExternalStore } from 'react';
import { sessionEnded, subscribeSession } from '@/lib/client/session-state';

/** Whether the server has said this tab's session ended; re-renders when that changes. */
export function useSessionEnded(): boolean {
  return useSyncExternalStore(subscribeSession, sessionEnded, () => false);
}
