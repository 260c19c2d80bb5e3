// Whether the browser's session has ended (signed out in another tab,
// expired, revoked), as the last answer from the server said. Every client
// write and read path reports a 401 here, and one dialog (components/auth/
// session-expired-dialog.tsx) offers to sign in again in place, so nothing the
// user typed is lost to a page load. Browser-only module state: one per tab.

let ended = false;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

/** The server refused the session (UNAUTHENTICATED / 401). */
export function reportSessionEnded(): void {
  if (ended) return;
  ended = true;
  notify();
}

/** Signed in again: the dialog closes, and whatever waits for it (the live socket) goes on. */
export function reportSignedInAgain(): void {
  ended = false;
  notify();
  for (const callback of [...resumers]) callback();
}

const resumers = new Set<() => void>();
/** Runs `callback` on every sign-in again; returns the unsubscribe. */
export function onSignedInAgain(callback: () => void): () => void {
  resumers.add(callback);
  return () => resumers.delete(callback);
}

/** For useSyncExternalStore (components/auth/use-session-ended.ts): this module stays free of React, as the fetchers that import it are. */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const sessionEnded = (): boolean => ended;
