import type { EventMetadata, JsonObject, RecordedEvent } from '../event-store';

/** An order event as the API shows it: storage details (stream, transaction) stay inside. */
export type OrderEventView = {
  position: string;
  version: number;
  type: string;
  /** The shape of `data`: its type's current one (older events are upcast on read). */
  schemaVersion: number;
  /** The shape it was written in, which its row and hash keep. */
  storedSchemaVersion: number;
  data: JsonObject;
  metadata: EventMetadata;
  occurredAt: string;
  hash: string;
  prevHash: string;
};

export function toOrderEventView(event: RecordedEvent): OrderEventView {
  return {
    position: event.position,
    version: event.version,
    type: event.type,
    schemaVersion: event.schemaVersion,
    storedSchemaVersion: event.storedSchemaVersion,
    data: event.data,
    metadata: event.metadata,
    occurredAt: event.occurredAt.toISOString(),
    hash: event.hash,
    prevHash: event.prevHash,
  };
}
