// The API's shapes for the orders list: pure, so Client Components may import them.

export const ORDER_STATUSES = ['placed', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderSummary = {
  orderId: string;
  customerId: string;
  /** null only if the customer is missing from the reference data (read models have no foreign keys). */
  customerName: string | null;
  status: OrderStatus;
  /** Minor units, adjustments included. */
  total: number;
  currency: string;
  lineCount: number;
  itemCount: number;
  placedAt: string;
  lastChangeAt: string;
  lastEventType: string;
  version: number;
  position: string;
};
