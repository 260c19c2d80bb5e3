import type {
  AdjustOrderPrice,
  CancelOrder,
  ChangeShippingAddress,
  OrderCancelled,
  OrderPlaced,
  OrderPriceAdjusted,
  OrderShipped,
  PlaceOrder,
  PlaceOrderItem,
  Product,
  ShipOrder,
  ShippingAddress,
  ShippingAddressChanged,
  RecordedCancelReasonCode,
} from '../../lib/domain/order';

export const ORDER_ID = 'ord_0001';
export const CUSTOMER_ID = 'cus_0001';

export const PLACED_AT = '2025-03-01T09:00:00.000Z';
export const LATER = '2025-03-02T10:30:00.000Z';
export const EVEN_LATER = '2025-03-03T12:00:00.000Z';

export const at = (iso: string) => ({ now: new Date(iso) });

export const catalog: Record<string, Product> = {
  'SKU-MUG': { sku: 'SKU-MUG', name: 'Mug', unitPrice: 1250, currency: 'EUR' },
  'SKU-TEE': { sku: 'SKU-TEE', name: 'T-shirt', unitPrice: 1999, currency: 'EUR' },
  'SKU-CAP': { sku: 'SKU-CAP', name: 'Cap', unitPrice: 899, currency: 'EUR' },
  'SKU-USD': { sku: 'SKU-USD', name: 'Imported mug', unitPrice: 500, currency: 'USD' },
};

export const address: ShippingAddress = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'United Kingdom',
};

export const otherAddress: ShippingAddress = {
  name: 'Ada Lovelace',
  line1: '1 Rue de Rivoli',
  city: 'Paris',
  postalCode: '75001',
  country: 'France',
};

/** Mimics the handler: only the requested SKUs that exist are passed in. */
export function productsFor(items: ReadonlyArray<PlaceOrderItem>): Record<string, Product> {
  const products: Record<string, Product> = {};
  for (const { sku } of items) {
    const product = catalog[sku];
    if (product) products[sku] = product;
  }
  return products;
}

export const defaultItems: PlaceOrderItem[] = [
  { sku: 'SKU-MUG', quantity: 2 },
  { sku: 'SKU-TEE', quantity: 1 },
];

export function placeOrder(overrides: Partial<PlaceOrder['data']> = {}, now = PLACED_AT): PlaceOrder {
  const items = overrides.items ?? defaultItems;
  return {
    type: 'PlaceOrder',
    data: {
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      items,
      shippingAddress: address,
      customerExists: true,
      products: productsFor(items),
      ...overrides,
    },
    metadata: at(now),
  };
}

export const changeAddress = (newAddress: ShippingAddress, now = LATER): ChangeShippingAddress => ({
  type: 'ChangeShippingAddress',
  data: { orderId: ORDER_ID, address: newAddress },
  metadata: at(now),
});

export const shipOrder = (now = LATER): ShipOrder => ({
  type: 'ShipOrder',
  data: { orderId: ORDER_ID },
  metadata: at(now),
});

export const cancelOrder = (
  reason: string,
  now = LATER,
  reasonCode: CancelOrder['data']['reasonCode'] = 'customer_request',
): CancelOrder => ({
  type: 'CancelOrder',
  data: { orderId: ORDER_ID, reason, reasonCode },
  metadata: at(now),
});

export const adjustPrice = (amountDelta: number, reason: string, now = LATER): AdjustOrderPrice => ({
  type: 'AdjustOrderPrice',
  data: { orderId: ORDER_ID, amountDelta, reason },
  metadata: at(now),
});

// Events for the default order: 2 × Mug (1250) + 1 × T-shirt (1999) = 4499.
export const PLACED_TOTAL = 4499;

export const orderPlaced: OrderPlaced = {
  type: 'OrderPlaced',
  data: {
    orderId: ORDER_ID,
    customerId: CUSTOMER_ID,
    lines: [
      { sku: 'SKU-MUG', name: 'Mug', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
      { sku: 'SKU-TEE', name: 'T-shirt', quantity: 1, unitPrice: 1999, lineTotal: 1999 },
    ],
    currency: 'EUR',
    total: PLACED_TOTAL,
    shippingAddress: address,
    placedAt: PLACED_AT,
  },
};

export const orderShipped = (shippedAt = LATER): OrderShipped => ({
  type: 'OrderShipped',
  data: { orderId: ORDER_ID, shippedAt },
});

export const orderCancelled = (
  reason: string,
  amount: number,
  cancelledAt = LATER,
  reasonCode: RecordedCancelReasonCode = 'customer_request',
): OrderCancelled => ({
  type: 'OrderCancelled',
  data: { orderId: ORDER_ID, reason, reasonCode, amount, cancelledAt },
});

export const addressChanged = (
  newAddress: ShippingAddress,
  previousAddress: ShippingAddress,
  changedAt = LATER,
): ShippingAddressChanged => ({
  type: 'ShippingAddressChanged',
  data: { orderId: ORDER_ID, address: newAddress, previousAddress, changedAt },
});

export const priceAdjusted = (
  amountDelta: number,
  reason: string,
  previousTotal: number,
  adjustedAt = LATER,
): OrderPriceAdjusted => ({
  type: 'OrderPriceAdjusted',
  data: { orderId: ORDER_ID, amountDelta, reason, previousTotal, newTotal: previousTotal + amountDelta, adjustedAt },
});
