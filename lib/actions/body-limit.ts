// The largest body a server action call may send, and what the user is told
// beyond it. Shared by proxy.ts (which answers 413 with this text) and the
// browser (which recognises the text: Next.js throws a text/plain error
// answer's body as the action's error message).

/**
 * Next.js's own serverActions.bodySizeLimit (its default: next.config.js does
 * not set it) stays behind this as a backstop; it answers a bare 500 when it
 * is the one to refuse, so keep it at least this large.
 */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

export const ACTION_TOO_LARGE_MESSAGE =
  'The request is too large: a form can send at most 1 MB. Shorten the longest text and try again.';
