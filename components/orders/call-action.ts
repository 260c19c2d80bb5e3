import { ACTION_TOO_LARGE_MESSAGE } from '@/lib/actions/body-limit';
import type { ActionError, ActionResult } from '@/lib/actions/result';
import { OFFLINE_MESSAGE } from '@/lib/client/fetchers';
import { reportSessionEnded } from '@/lib/client/session-state';

const NETWORK_ERROR: ActionError = {
  code: 'INTERNAL',
  message: 'The server could not be reached. Check your connection and try again.',
};

// Commands are never queued while offline (to be applied later, unannounced):
// refused at once, with nothing sent. The form keeps what was typed.
const OFFLINE: ActionError = { code: 'UNAVAILABLE', message: OFFLINE_MESSAGE };

const TOO_LARGE: ActionError = { code: 'PAYLOAD_TOO_LARGE', message: ACTION_TOO_LARGE_MESSAGE };

/**
 * Calls a server action. The action returns its own errors; what is thrown is
 * a failed call, which becomes a result of the same shape so that every form
 * shows it alike.
 */
export async function callAction<R, T>(
  action: (request: R) => Promise<ActionResult<T>>,
  request: R,
): Promise<ActionResult<T>> {
  if (typeof navigator !== 'undefined' && !navigator.onLine) return { ok: false, error: OFFLINE };
  try {
    const result = await action(request);
    if (!result.ok && result.error.code === 'UNAUTHENTICATED') reportSessionEnded();
    return result;
  } catch (thrown) {
    // proxy.ts refused the body (413); Next.js throws the text it answered.
    if (thrown instanceof Error && thrown.message === ACTION_TOO_LARGE_MESSAGE) return { ok: false, error: TOO_LARGE };
    console.error(thrown);
    return { ok: false, error: NETWORK_ERROR };
  }
}
