import 'server-only';
import { z } from 'zod';
import { isPosition, type EventStore, type RecordedEvent } from '../event-store';
import type { EventMetadata, JsonObject } from '../event-store/types';
import { param, wholeNumber } from '../queries/query-params';

// The event feed for other systems (a search index, a warehouse, a cache):
// the whole log in the store's gap-safe global order (readAll: only events
// of transactions that had all ended, ordered by (transaction id, position)),
// upcast like every other read. A page ends at `next`, the position to ask
// after; since a read never returns an event that a later read could find
// before it, following `next` never skips or repeats one, however the
// writers' transactions commit.

export const FEED_LIMIT_DEFAULT = 100;
export const FEED_LIMIT_MAX = 1000;

export const feedPositionSchema = z
  .string()
  .refine(isPosition, 'After must be a position "<transactionId>:<globalPosition>", e.g. 0:0 for the start.');

export const feedQuerySchema = z.object({
  after: param(feedPositionSchema).describe(
    "Position to read after (a previous page's `next`); 0:0, the start, by default.",
  ),
  limit: param(wholeNumber('Limit', 1, FEED_LIMIT_MAX)).describe(
    `Events at most (1–${FEED_LIMIT_MAX}, default ${FEED_LIMIT_DEFAULT}).`,
  ),
});

export const feedStreamQuerySchema = z.object({
  after: feedQuerySchema.shape.after.describe(
    'Position to stream after; a Last-Event-ID header (sent by a reconnecting EventSource) wins over it.',
  ),
});

export type FeedQuery = z.output<typeof feedQuerySchema>;

/** An event as the feed gives it; storage details (transaction id, hashes) stay inside. */
export type FeedEvent = {
  position: string;
  streamId: string;
  streamType: string;
  version: number;
  type: string;
  /** The shape of `data`: its type's current one (older events are upcast on read). */
  schemaVersion: number;
  storedSchemaVersion: number;
  data: JsonObject;
  metadata: EventMetadata;
  occurredAt: string;
  recordedAt: string;
};

export type FeedPage = {
  events: FeedEvent[];
  /** Ask after this next time: the last event's position, or `after` itself when there was none. */
  next: string;
  /** True when the page is full, so more may be waiting right away. */
  more: boolean;
};

export function toFeedEvent(event: RecordedEvent): FeedEvent {
  return {
    position: event.position,
    streamId: event.streamId,
    streamType: event.streamType,
    version: event.version,
    type: event.type,
    schemaVersion: event.schemaVersion,
    storedSchemaVersion: event.storedSchemaVersion,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.occurredAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
  };
}

export async function readFeed(store: EventStore, query: FeedQuery): Promise<FeedPage> {
  const limit = query.limit ?? FEED_LIMIT_DEFAULT;
  const { events, checkpoint } = await store.readAll({ after: query.after ?? '0:0', limit });
  return { events: events.map(toFeedEvent), next: checkpoint, more: events.length === limit };
}
