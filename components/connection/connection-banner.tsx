'use client';

import { useSyncExternalStore } from 'react';
import { useSessionEnded } from '@/components/auth/use-session-ended';
import { useLiveConnection } from '@/lib/live/client';

function subscribeOnline(onChange: () => void) {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** navigator.onLine, kept current; true on the server (nothing to say before hydration). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

/**
 * Says when the page cannot be trusted to be current or to send anything:
 * the browser is offline (commands are refused, not queued: see
 * call-action.ts), or the live socket dropped and is reconnecting (figures
 * may be stale until it is back). Nothing while the session-ended dialog has
 * the word.
 */
export function ConnectionBanner() {
  const online = useOnline();
  const live = useLiveConnection();
  const sessionEnded = useSessionEnded();
  if (sessionEnded) return null;
  const state = !online ? 'offline' : live === 'reconnecting' ? 'reconnecting' : null;
  return (
    <div role="status" aria-live="polite" className="empty:hidden">
      {state && (
        <p
          data-testid="connection-banner"
          data-state={state}
          className={`mb-4 flex items-center gap-2 rounded-lg border px-3 py-2 text-sm ${
            state === 'offline'
              ? 'border-amber-300 bg-amber-50 text-amber-950'
              : 'border-sky-200 bg-sky-50 text-sky-950'
          }`}
        >
          <span
            aria-hidden="true"
            className={`size-2 shrink-0 rounded-full ${state === 'offline' ? 'bg-amber-600' : 'animate-pulse bg-sky-600'}`}
          />
          {state === 'offline'
            ? 'You are offline. Nothing can be sent until the connection is back, and what you see may be out of date.'
            : 'Reconnecting to live updates… Figures may be out of date until then.'}
        </p>
      )}
    </div>
  );
}
