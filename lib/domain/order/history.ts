import { isOrderHistoryError } from './errors';
import { evolve, initialState, type OrderEvent, type OrderState } from './events';

/** The first stored event the domain refuses to apply, and why. */
export type HistoryRefusal = { version: number; eventType: string; reason: string };

export type FoldedHistory = {
  /** The order after the last event that could be applied. */
  state: OrderState;
  /** Null when every event applied. Events after a refusal are not applied: a state built on them would be made up. */
  refused: HistoryRefusal | null;
};

/**
 * evolve() over a stream's events (in version order), stopping at the first
 * event it refuses instead of throwing, so every reader can show the order as
 * far as its history holds together and say where it stops.
 */
export function foldHistory(events: ReadonlyArray<{ event: OrderEvent; version: number }>): FoldedHistory {
  let state = initialState();
  for (const { event, version } of events) {
    try {
      state = evolve(state, event);
    } catch (error) {
      if (!isOrderHistoryError(error)) throw error;
      return { state, refused: { version, eventType: event.type, reason: error.reason } };
    }
  }
  return { state, refused: null };
}
