import { assertNever } from '../shared/assert-never';
import { amountProblem, isOrderTotal } from './amounts';
import { OrderHistoryError } from './errors';
import { MAX_ORDER_TOTAL, type RecordedCancelReasonCode } from './rules';
import type { Money, OrderLine, ShippingAddress } from './types';

// Events carry the full context of the decision (names, prices, previous
// values) because projections must never look up today's reference data to
// explain yesterday's facts. Every payload is plain JSON: it is stored as jsonb.

export type OrderPlaced = {
  type: 'OrderPlaced';
  data: {
    orderId: string;
    customerId: string;
    lines: OrderLine[];
    currency: string;
    total: Money;
    shippingAddress: ShippingAddress;
    placedAt: string;
  };
};

export type ShippingAddressChanged = {
  type: 'ShippingAddressChanged';
  data: {
    orderId: string;
    address: ShippingAddress;
    previousAddress: ShippingAddress;
    changedAt: string;
  };
};

export type OrderShipped = {
  type: 'OrderShipped';
  data: {
    orderId: string;
    shippedAt: string;
  };
};

/** Schema v2: `reasonCode` joined the free-text reason (v1 events read as 'not_recorded'). */
export type OrderCancelled = {
  type: 'OrderCancelled';
  data: {
    orderId: string;
    reason: string;
    reasonCode: RecordedCancelReasonCode;
    /** Total at cancellation (after adjustments), so a revenue projection
     * can subtract it without replaying the order. */
    amount: Money;
    cancelledAt: string;
  };
};

export type OrderPriceAdjusted = {
  type: 'OrderPriceAdjusted';
  data: {
    orderId: string;
    amountDelta: Money;
    reason: string;
    previousTotal: Money;
    newTotal: Money;
    adjustedAt: string;
  };
};

export type OrderEvent = OrderPlaced | ShippingAddressChanged | OrderShipped | OrderCancelled | OrderPriceAdjusted;

export type OrderEventType = OrderEvent['type'];

export const ORDER_EVENT_TYPES = [
  'OrderPlaced',
  'ShippingAddressChanged',
  'OrderShipped',
  'OrderCancelled',
  'OrderPriceAdjusted',
] as const satisfies ReadonlyArray<OrderEventType>;

/** Adjustments are kept as a list, not a count, so the snapshot alone
 * explains how the current total came about. */
export type OrderAdjustment = {
  amountDelta: Money;
  reason: string;
  adjustedAt: string;
};

/** What every existing order knows, whatever its status. */
export type OrderSnapshot = {
  orderId: string;
  customerId: string;
  lines: OrderLine[];
  currency: string;
  /** Current total: the placed total plus every adjustment. */
  total: Money;
  shippingAddress: ShippingAddress;
  placedAt: string;
  adjustments: OrderAdjustment[];
};

export type EmptyOrder = { status: 'empty' };
export type PlacedOrder = { status: 'placed' } & OrderSnapshot;
export type ShippedOrder = { status: 'shipped'; shippedAt: string } & OrderSnapshot;
export type CancelledOrder = {
  status: 'cancelled';
  cancelledAt: string;
  cancelReason: string;
  cancelReasonCode: RecordedCancelReasonCode;
} & OrderSnapshot;

export type ExistingOrder = PlacedOrder | ShippedOrder | CancelledOrder;
export type OrderState = EmptyOrder | ExistingOrder;
export type OrderStatus = OrderState['status'];

/** A function, as in Emmett's Decider, so callers never share (and mutate) one instance. */
export const initialState = (): OrderState => ({ status: 'empty' });

/**
 * Status transitions are checked (empty → placed → shipped | cancelled)
 * because an impossible one means corrupt history, and applying it anyway
 * would drop data (a cancelled order has nowhere to keep a shippedAt).
 * Attribute changes (address, price) are facts and apply to any existing order.
 */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  // Amounts no decision could have produced (written before the bounds
  // existed, or behind the app's back) must not become a total.
  const problem = amountProblem(event);
  if (problem) throw new OrderHistoryError(event, state, problem);
  switch (event.type) {
    case 'OrderPlaced': {
      if (state.status !== 'empty') throw new OrderHistoryError(event, state);
      const { orderId, customerId, lines, currency, total, shippingAddress, placedAt } = event.data;
      return {
        status: 'placed',
        orderId,
        customerId,
        lines,
        currency,
        total,
        shippingAddress,
        placedAt,
        adjustments: [],
      };
    }
    case 'ShippingAddressChanged': {
      if (state.status === 'empty') throw new OrderHistoryError(event, state);
      return { ...state, shippingAddress: event.data.address };
    }
    case 'OrderShipped': {
      if (state.status !== 'placed') throw new OrderHistoryError(event, state);
      return { ...state, status: 'shipped', shippedAt: event.data.shippedAt };
    }
    case 'OrderCancelled': {
      if (state.status !== 'placed') throw new OrderHistoryError(event, state);
      return {
        ...state,
        status: 'cancelled',
        cancelledAt: event.data.cancelledAt,
        cancelReason: event.data.reason,
        cancelReasonCode: event.data.reasonCode,
      };
    }
    case 'OrderPriceAdjusted': {
      if (state.status === 'empty') throw new OrderHistoryError(event, state);
      const { amountDelta, reason, adjustedAt } = event.data;
      // Derived from the delta rather than copied from newTotal so the
      // snapshot always equals placed total + Σ deltas.
      const total = state.total + amountDelta;
      if (!isOrderTotal(total)) {
        throw new OrderHistoryError(event, state, `the total would become ${total}, outside 0 to ${MAX_ORDER_TOTAL}`);
      }
      return {
        ...state,
        total,
        adjustments: [...state.adjustments, { amountDelta, reason, adjustedAt }],
      };
    }
    default:
      return assertNever(event, 'order event');
  }
}
