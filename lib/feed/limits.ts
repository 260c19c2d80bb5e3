import 'server-only';
import { intFromEnv } from '../config/env';
import { AppError } from '../errors';

// Per-client bounds of the feed, counted per user in this web process (kept
// on globalThis, so the API router and Next.js's bundle of the same routes
// share them). Per process on purpose: a stream is a connection to this
// process, and a page is cheap enough that an exact cluster-wide count would
// cost more than it saves. With several web processes a user gets the limits
// of each.

const WINDOW_MS = 60_000;

type State = {
  /** User id → requests in the current window and when it started. */
  windows: Map<string, { start: number; count: number }>;
  /** User id → open streams. */
  streams: Map<string, number>;
};

const root = globalThis as unknown as { ledgerlineFeedLimits?: State };
const state = (root.ledgerlineFeedLimits ??= { windows: new Map(), streams: new Map() });

/** Read when used, so an operator's setting (or a test's) applies without a restart of this module. */
export const feedLimits = () => ({
  requestsPerMinute: intFromEnv('LEDGERLINE_FEED_REQUESTS_PER_MINUTE', 1200, { min: 1 }),
  streamsPerUser: intFromEnv('LEDGERLINE_FEED_STREAMS_PER_USER', 4, { min: 1 }),
});

const limited = (message: string, retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', message, { retryAfterSeconds });

/** Counts one feed request (a page, or opening a stream) for the user; throws 429 over the limit. */
export function countFeedRequest(userId: string, now = Date.now()) {
  const max = feedLimits().requestsPerMinute;
  for (const [id, window] of state.windows) if (now - window.start >= WINDOW_MS) state.windows.delete(id);
  const window = state.windows.get(userId) ?? { start: now, count: 0 };
  state.windows.set(userId, window);
  if (++window.count > max) {
    const wait = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
    throw limited(`At most ${max} feed requests a minute. Try again in ${wait} s.`, wait);
  }
}

/** Takes one of the user's stream slots; the returned function gives it back (once, however often called). */
export function takeStreamSlot(userId: string): () => void {
  const max = feedLimits().streamsPerUser;
  const open = state.streams.get(userId) ?? 0;
  if (open >= max) {
    throw limited(`At most ${max} open event streams per user: close one first.`, 5);
  }
  state.streams.set(userId, open + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (state.streams.get(userId) ?? 1) - 1;
    if (left > 0) state.streams.set(userId, left);
    else state.streams.delete(userId);
  };
}
