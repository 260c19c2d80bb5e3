// The event streams open in this process, and the one LISTEN connection that
// wakes them when an append is announced (lib/event-store/notify.ts). Kept on
// globalThis: the API router and Next.js's bundle of the same route share it,
// and server shutdown (lib/server/web.ts) ends every stream through it.
// (No `import 'server-only'`: web.ts loads this under plain Node.)
import { startListener, type Listener } from '../live/listener';
import { EVENTS_CHANNEL } from '../projections/channels';

export type OpenStream = {
  /** Something may have been appended: read again now. */
  wake: () => void;
  /** The server is stopping: say goodbye and end the response. */
  close: () => void;
};

type Registry = { streams: Set<OpenStream>; listener: Listener | null; closing: boolean };

const root = globalThis as unknown as { ledgerlineFeedStreams?: Registry };
const registry = (root.ledgerlineFeedStreams ??= { streams: new Set(), listener: null, closing: false });

/** False once the server is shutting down: no new stream may start. */
export const acceptingStreams = () => !registry.closing;

export const openStreamCount = () => registry.streams.size;

/** Adds the stream (LISTENing from the first); the returned function removes it. */
export function registerStream(stream: OpenStream): () => void {
  registry.streams.add(stream);
  if (!registry.listener && process.env.DATABASE_URL) {
    registry.listener = startListener({
      connectionString: process.env.DATABASE_URL,
      channel: EVENTS_CHANNEL,
      applicationName: 'ledgerline-feed',
      emptyPayloads: true,
      onPayload: () => registry.streams.forEach((s) => s.wake()),
      // Appends announced while it was not listening: every stream reads again.
      onListening: () => registry.streams.forEach((s) => s.wake()),
      log: (line) => console.log(`[feed] ${line}`),
    });
  }
  return () => {
    registry.streams.delete(stream);
    // The last stream gone: the connection is not held for nobody.
    if (registry.streams.size === 0 && registry.listener) {
      const listener = registry.listener;
      registry.listener = null;
      void listener.close();
    }
  };
}

/** Server shutdown: ends every open stream (clients reconnect, with Last-Event-ID, elsewhere or later). */
export async function closeFeedStreams() {
  registry.closing = true;
  for (const stream of [...registry.streams]) stream.close();
  const listener = registry.listener;
  registry.listener = null;
  await listener?.close();
}
