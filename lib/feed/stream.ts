import 'server-only';
import { intFromEnv } from '../config/env';
import { createSharedReadAll, type EventStore, type ReadAll } from '../event-store';
import { acceptingStreams, registerStream } from './registry';
import { toFeedEvent } from './read';

// The feed as Server-Sent Events: each event is one SSE message whose id is
// its position, so a reconnecting EventSource sends the last one it got as
// Last-Event-ID and continues after it. Reads are the feed's (gap-safe, in
// batches), pulled only as fast as the client takes them; between them the
// stream sleeps until an append is announced or the poll interval passes.

const BATCH = 500;
/** Tells EventSource how soon to reconnect after the stream ends. */
const RETRY_MS = 2_000;

const settings = () => ({
  heartbeatMs: intFromEnv('LEDGERLINE_FEED_HEARTBEAT_MS', 15_000, { min: 100 }),
  // A NOTIFY comes at commit, but an event is readable only once every older
  // transaction has ended too: the poll catches what the wake-up read missed.
  pollMs: intFromEnv('LEDGERLINE_FEED_POLL_MS', 500, { min: 10 }),
  // Bounds a request's life: the client reconnects (Last-Event-ID) and is counted again.
  maxMs: intFromEnv('LEDGERLINE_FEED_STREAM_MAX_MS', 60 * 60_000, { min: 1_000 }),
});

const encoder = new TextEncoder();

// The streams of this process mostly wait at the same position (the end of
// the log) and wake together: one read serves them all (exact, not
// approximate: see createSharedReadAll).
const root = globalThis as unknown as { ledgerlineFeedRead?: { store: EventStore; readAll: ReadAll } };
function sharedReadAll(store: EventStore): ReadAll {
  if (root.ledgerlineFeedRead?.store !== store) {
    root.ledgerlineFeedRead = { store, readAll: createSharedReadAll((options) => store.readAll(options)) };
  }
  return root.ledgerlineFeedRead.readAll;
}

export type FeedStreamOptions = {
  store: EventStore;
  after: string;
  /** The request's signal: Next.js aborts it when the client goes. */
  signal: AbortSignal;
  /** Called once when the stream ends, however it ends. */
  onEnd: () => void;
};

export function feedStreamResponse({ store, after, signal, onEnd }: FeedStreamOptions): Response {
  const { heartbeatMs, pollMs, maxMs } = settings();
  const readAll = sharedReadAll(store);
  let position = after;
  let ended = false;
  let sleeping: (() => void) | null = null;
  const wake = () => sleeping?.();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleeping = null;
        resolve();
      }
      sleeping = done;
    });

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const send = (text: string) => {
    if (!ended) controller.enqueue(encoder.encode(text));
  };
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
  const deadline = setTimeout(() => finish(true), maxMs);
  const unregister = registerStream({ wake, close: () => finish(true) });

  function finish(closeBody: boolean) {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(deadline);
    unregister();
    signal.removeEventListener('abort', onAbort);
    wake();
    onEnd();
    if (closeBody) {
      try {
        controller.close();
      } catch {
        // already cancelled by the client
      }
    }
  }
  const onAbort = () => finish(true);
  signal.addEventListener('abort', onAbort);

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        send(`retry: ${RETRY_MS}\n: after ${position}\n\n`);
        if (!acceptingStreams() || signal.aborted) finish(true);
      },
      // One batch a pull, so a slow client holds back the reading, not memory.
      async pull() {
        while (!ended) {
          let events;
          try {
            events = (await readAll({ after: position, limit: BATCH })).events;
          } catch (error) {
            // The database is away: keep the client, try again a little later.
            console.warn(`[feed] stream read failed: ${(error as Error).message}`);
            await sleep(pollMs * 4);
            continue;
          }
          if (ended) return;
          if (events.length > 0) {
            let chunk = '';
            for (const event of events) {
              chunk += `id: ${event.position}\ndata: ${JSON.stringify(toFeedEvent(event))}\n\n`;
            }
            position = events.at(-1)!.position;
            send(chunk);
            return;
          }
          await sleep(pollMs);
        }
      },
      cancel() {
        finish(false);
      },
    },
    { highWaterMark: 1 },
  );

  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // Proxies such as nginx must pass each message on as it comes.
      'X-Accel-Buffering': 'no',
    },
  });
}
