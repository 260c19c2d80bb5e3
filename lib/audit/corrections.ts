import type { OrderEventType } from '../domain/order';
import { formatAmount } from './describe';
import type { Correction, ReplayEvent } from './types';

// History is never edited: a mistake stays at the version where it was
// recorded and a later, compensating event corrects it. This names, for each
// compensating event, the earlier fact it corrects, so the timeline can link
// the two.
//
// - OrderPriceAdjusted corrects the price agreed when the order was placed.
//   The domain adjusts the order's TOTAL (its data names no line), so the
//   correction points at the OrderPlaced that fixed the lines and the total.
// - OrderCancelled reverses the placement as a whole, for the amount the order
//   stood at.
// Other events (re-addressing, shipping) are new facts, not corrections.

const placement = (earlier: readonly ReplayEvent[]) =>
  earlier.findLast((event) => event.type === ('OrderPlaced' satisfies OrderEventType));

/**
 * What `event` corrects, given the events before it (in version order), or
 * null when it is not a compensating event or what it would correct is missing.
 */
export function findCorrection(
  event: ReplayEvent,
  earlier: readonly ReplayEvent[],
  currency?: string,
): Correction | null {
  const placed = placement(earlier);
  if (!placed) return null;
  const data = event.data;
  switch (event.type as OrderEventType) {
    case 'OrderPriceAdjusted':
      return {
        kind: 'adjustment',
        correctsVersion: placed.version,
        summary:
          `Corrects the total agreed in v${placed.version} by ${formatAmount(data.amountDelta, currency, true)} ` +
          `(${formatAmount(data.previousTotal, currency)} → ${formatAmount(data.newTotal, currency)})`,
      };
    case 'OrderCancelled':
      return {
        kind: 'reversal',
        correctsVersion: placed.version,
        summary: `Reverses the order placed in v${placed.version} (${formatAmount(data.amount, currency)})`,
      };
    default:
      return null;
  }
}
