import { countFeedRequest, takeStreamSlot } from '@/lib/feed/limits';
import { feedStreamQuerySchema } from '@/lib/feed/read';
import { feedStreamResponse } from '@/lib/feed/stream';
import { acceptingStreams } from '@/lib/feed/registry';
import { AppError, validationError } from '@/lib/errors';
import { isPosition } from '@/lib/event-store/position';
import { parseInput } from '@/lib/http/input';
import { handle } from '@/lib/http/respond';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/**
 * The feed as Server-Sent Events (`text/event-stream`), after `?after=` or,
 * when reconnecting, after the Last-Event-ID header: one message per event,
 * its id the event's position; heartbeat comments keep idle connections open.
 */
export async function GET(req: Request) {
  return handle(req, 'read', async (user) => {
    const params = Object.fromEntries(new URL(req.url).searchParams);
    const lastEventId = req.headers.get('last-event-id');
    if (lastEventId !== null && !isPosition(lastEventId)) {
      throw validationError({ 'Last-Event-ID': 'Last-Event-ID must be the id of an event this stream sent.' });
    }
    const { after } = parseInput(feedStreamQuerySchema, lastEventId === null ? params : { after: lastEventId });
    if (!acceptingStreams()) throw new AppError('UNAVAILABLE', 'The server is shutting down: reconnect shortly.');
    countFeedRequest(user.id);
    const release = takeStreamSlot(user.id);
    return feedStreamResponse({
      store: getServices().store,
      after: after ?? '0:0',
      signal: req.signal,
      onEnd: release,
    });
  });
}
