// The NOTIFY channels the projection runtime speaks on. Apart from the
// worker, so that use cases can wake it without importing it.

/** Channel that writers NOTIFY after an append (see lib/event-store/notify.ts). */
export const EVENTS_CHANNEL = 'll_events';
/** Channel the worker NOTIFYs after each committed batch, for live push. */
export const PROJECTIONS_CHANNEL = 'll_projections';
/** Payload on EVENTS_CHANNEL that asks the worker holding `<name>:<version>` to retry now. */
export const RETRY_PAYLOAD = 'retry:';
/** Payload on EVENTS_CHANNEL that tells the worker a rebuild of `<name>:<version>` was requested. */
export const REBUILD_PAYLOAD = 'rebuild:';
