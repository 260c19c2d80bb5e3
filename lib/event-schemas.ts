import type { EventSchema } from './event-store/upcasting';
import { ORDER_EVENT_SCHEMA, ORDER_STREAM_TYPE, toOrderEvent } from './order-stream';
import { OPERATIONS_SCHEMA, OPERATIONS_STREAM_TYPE, toOperationEvent } from './projections/operations-log';

/** Every stream type the app writes, for createEventStore and the census. */
export const EVENT_SCHEMAS: readonly EventSchema[] = [ORDER_EVENT_SCHEMA, OPERATIONS_SCHEMA];

/** What the census asks of a sample of each stored shape: that it reads as an event of its stream. */
export function readAsAppEvent(streamType: string, event: { type: string; schemaVersion: number; data: unknown }) {
  if (streamType === ORDER_STREAM_TYPE) toOrderEvent(event);
  else if (streamType === OPERATIONS_STREAM_TYPE) toOperationEvent(event);
  else throw new Error(`no reader for '${streamType}' streams`);
}
