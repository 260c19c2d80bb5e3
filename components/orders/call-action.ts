import { ACTION_TOO_LARGE_MESSAGE } from '@/lib/actions/body-limit';
import type { ActionError, ActionResult } from '@/lib/actions/result';

const NETWORK_ERROR: ActionError = {
  code: 'INTERNAL',
  message: 'The server could not be reached. Check your connection and try again.',
};

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
  try {
    return await action(request);
  } catch (thrown) {
    // proxy.ts refused the body (413); Next.js throws the text it answered.
    if (thrown instanceof Error && thrown.message === ACTION_TOO_LARGE_MESSAGE) return { ok: false, error: TOO_LARGE };
    console.error(thrown);
    return { ok: false, error: NETWORK_ERROR };
  }
}
