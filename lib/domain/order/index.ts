import { decide } from './commands';
import { evolve, initialState } from './events';

export type { Money, OrderLine, Product, ShippingAddress } from './types';
export * from './rules';
export { amountProblem, isAdjustment, isOrderTotal } from './amounts';
export { foldHistory, type FoldedHistory, type HistoryRefusal } from './history';
export {
  ORDER_RULE_CODES,
  ORDER_RULE_KINDS,
  OrderHistoryError,
  isOrderHistoryError,
  OrderRuleError,
  isOrderRuleError,
  type OrderRuleCode,
  type OrderRuleKind,
} from './errors';
export {
  ORDER_EVENT_TYPES,
  evolve,
  initialState,
  type CancelledOrder,
  type EmptyOrder,
  type ExistingOrder,
  type OrderAdjustment,
  type OrderCancelled,
  type OrderEvent,
  type OrderEventType,
  type OrderPlaced,
  type OrderPriceAdjusted,
  type OrderShipped,
  type OrderSnapshot,
  type OrderState,
  type OrderStatus,
  type PlacedOrder,
  type ShippedOrder,
  type ShippingAddressChanged,
} from './events';
export {
  decide,
  type AdjustOrderPrice,
  type CancelOrder,
  type ChangeShippingAddress,
  type OrderCommand,
  type OrderCommandMetadata,
  type OrderCommandType,
  type PlaceOrder,
  type PlaceOrderItem,
  type ShipOrder,
} from './commands';

/** The three pieces bundled, in the shape Emmett's Decider and DeciderSpec expect. */
export const orderDecider = { decide, evolve, initialState };
