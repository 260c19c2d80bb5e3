import { evolve, initialState, type OrderState } from '../domain/order';
import { toOrderEvent } from '../order-stream';
import type { AuditSourceEvent, ReplayEvent } from './types';

// Time travel is a replay: the order at version N is the domain's own evolve()
// folded over events 1..N. Nothing is stored per version, so there is no
// second copy of the truth that could disagree with the log.

/**
 * The order after `version` (0 = before the first event: the empty state).
 * `events` are the stream's events in version order from 1; a gap or a
 * version past the end is a caller's bug and throws RangeError.
 */
export function stateAtVersion(events: readonly ReplayEvent[], version: number): OrderState {
  const last = events.at(-1)?.version ?? 0;
  if (!Number.isInteger(version) || version < 0 || version > last) {
    throw new RangeError(`Version must be a whole number from 0 to ${last}, not ${version}.`);
  }
  let state = initialState();
  for (const [index, event] of events.entries()) {
    if (index === version) break;
    if (event.version !== index + 1) {
      throw new RangeError(
        `Events must be in version order from 1 without gaps: found ${event.version} at ${index + 1}.`,
      );
    }
    state = evolve(state, toOrderEvent(event));
  }
  return state;
}

/**
 * "As of" a moment means as the log had RECORDED it by then (transaction
 * time: recordedAt), not when the events say they happened (occurredAt):
 *
 * - It answers the auditor's question "what did our records say at 14:02?",
 *   the same meaning as SQL:2011's AS OF SYSTEM TIME and event stores' time
 *   travel (Marten, EventStoreDB), and the dashboard's historic view.
 * - recordedAt comes from one clock, the database's, and grows with the
 *   version along a stream (each append is a compare-and-set on the version
 *   the previous append committed), so an answer is always a prefix of the
 *   stream: the same state that stateAtVersion gives for that version.
 *   occurredAt comes from whichever web node decided (clocks drift apart)
 *   and is an input to the command (tests back-date it), so "every event that
 *   occurred before T" need not be a prefix and could not always be replayed.
 *
 * Granularity is the millisecond, as in the dashboard's historic view: an
 * event recorded at 10:00:00.123456 counts as of 10:00:00.123Z (node-postgres
 * reads timestamptz to the millisecond). Should recordedAt ever go backwards
 * along a stream (a database clock stepped back), the answer still stops at
 * the first event recorded after `at`, so it stays a replayable prefix.
 */
export function versionAt(events: ReadonlyArray<Pick<AuditSourceEvent, 'version' | 'recordedAt'>>, at: Date): number {
  const limit = at.getTime();
  if (Number.isNaN(limit)) throw new RangeError('Not a valid time.');
  let version = 0;
  for (const event of events) {
    if (new Date(event.recordedAt).getTime() > limit) break;
    version = event.version;
  }
  return version;
}
