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
export function foldHistory(events: ReadonlyArray<{ type: string; data: unknown; version: number }>): FoldedHistory {
  let state = initialState();
  for (const event of events) {
    try {
      state = evolve(state, { type: event.type, data: event.data } as OrderEvent);
    } catch (error) {
      if (!isOrderHistoryError(error)) throw error;
      return { state, refused: { version: event.version, eventType: event.type, reason: error.reason } };
    }
  }
  return { state, refused: null };
}
