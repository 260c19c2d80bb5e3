import type { OrderEvent } from './events';
import { MAX_ADJUSTMENT, MAX_ORDER_TOTAL } from './rules';

// What amounts a stored event may hold. decide() never writes anything else;
// an event that holds something else was written before the bounds existed,
// or behind the app's back, and no reader may fold it into a total.

const whole = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

export const isOrderTotal = (value: unknown): value is number => whole(value) && value >= 0 && value <= MAX_ORDER_TOTAL;

export const isAdjustment = (value: unknown): value is number =>
  whole(value) && value !== 0 && Math.abs(value) <= MAX_ADJUSTMENT;

/** Why the event's amounts cannot be true, or null. Looks at the event alone, so any projection can ask. */
export function amountProblem(event: OrderEvent): string | null {
  const total = (field: string, value: unknown) =>
    isOrderTotal(value) ? null : `${field} ${String(value)} is not a whole amount from 0 to ${MAX_ORDER_TOTAL}`;
  switch (event.type) {
    case 'OrderPlaced':
      return total('total', event.data.total);
    case 'OrderCancelled':
      return total('amount', event.data.amount);
    case 'OrderPriceAdjusted': {
      const { amountDelta, previousTotal, newTotal } = event.data;
      if (!isAdjustment(amountDelta)) {
        return `amountDelta ${String(amountDelta)} is not a non-zero whole amount from -${MAX_ADJUSTMENT} to ${MAX_ADJUSTMENT}`;
      }
      return (
        total('previousTotal', previousTotal) ??
        total('newTotal', newTotal) ??
        (previousTotal + amountDelta === newTotal
          ? null
          : `newTotal ${newTotal} is not previousTotal ${previousTotal} + amountDelta ${amountDelta}`)
      );
    }
    default:
      return null;
  }
}
