import { notFound } from '../errors';
import type { ExistingOrder, HistoryRefusal } from '../domain/order';
import { foldOrderStream, orderStreamId } from '../order-stream';
import type { EventStore, RecordedEvent } from '../event-store';

export type OrderView = {
  order: ExistingOrder;
  version: number;
  position: string;
  events: RecordedEvent[];
  /** The first event the order's rules refuse; `order` is the state before it, and no command is taken. */
  refused: HistoryRefusal | null;
};

/**
 * The order as its own events say it is now (the write side's state, not a
 * projection), optionally as of a version. Throws NOT_FOUND for an unknown id.
 */
export async function getOrder(
  store: EventStore,
  orderId: string,
  options: { toVersion?: number } = {},
): Promise<OrderView> {
  const events = await store.readStream(orderStreamId(orderId), options);
  const { state, refused } = foldOrderStream(events);
  if (state.status === 'empty') {
    throw notFound(
      refused
        ? `Order ${orderId} cannot be shown: the order's rules refuse its first event (${refused.reason}).`
        : `Order ${orderId} does not exist.`,
    );
  }
  const last = events.at(-1)!;
  return { order: state, version: last.version, position: last.position, events, refused };
}

/** The order's raw events; NOT_FOUND when it has none. */
export async function getOrderEvents(store: EventStore, orderId: string) {
  const events = await store.readStream(orderStreamId(orderId));
  if (events.length === 0) throw notFound(`Order ${orderId} does not exist.`);
  return events;
}
