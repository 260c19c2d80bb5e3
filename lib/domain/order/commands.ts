import { assertNever } from '../shared/assert-never';
import { OrderRuleError } from './errors';
import type {
  ExistingOrder,
  OrderCancelled,
  OrderEvent,
  OrderPlaced,
  OrderPriceAdjusted,
  OrderShipped,
  OrderState,
  ShippingAddressChanged,
} from './events';
import { MAX_LINES, MAX_ORDER_TOTAL, MIN_LINES, type CancelReasonCode } from './rules';
import type { OrderLine, Product, ShippingAddress } from './types';
import {
  assertAmountDelta,
  assertQuantity,
  assertReasonCode,
  normalizeAddress,
  normalizeReason,
  sameAddress,
} from './validation';

/** Time is injected so decide() stays pure and replayable in tests. */
export type OrderCommandMetadata = {
  now: Date;
};

export type PlaceOrderItem = {
  sku: string;
  quantity: number;
};

export type PlaceOrder = {
  type: 'PlaceOrder';
  data: {
    orderId: string;
    customerId: string;
    items: ReadonlyArray<PlaceOrderItem>;
    shippingAddress: ShippingAddress;
    /** Resolved by the handler from reference data, so decide() needs no I/O. */
    customerExists: boolean;
    /** Only the requested SKUs that exist; a missing key means an unknown SKU. */
    products: Readonly<Record<string, Product>>;
  };
  metadata: OrderCommandMetadata;
};

export type ChangeShippingAddress = {
  type: 'ChangeShippingAddress';
  data: { orderId: string; address: ShippingAddress };
  metadata: OrderCommandMetadata;
};

export type ShipOrder = {
  type: 'ShipOrder';
  data: { orderId: string };
  metadata: OrderCommandMetadata;
};

export type CancelOrder = {
  type: 'CancelOrder';
  data: { orderId: string; reason: string; reasonCode: CancelReasonCode };
  metadata: OrderCommandMetadata;
};

/** A compensating correction for a pricing mistake: history is never edited. */
export type AdjustOrderPrice = {
  type: 'AdjustOrderPrice';
  data: { orderId: string; amountDelta: number; reason: string };
  metadata: OrderCommandMetadata;
};

export type OrderCommand = PlaceOrder | ChangeShippingAddress | ShipOrder | CancelOrder | AdjustOrderPrice;

export type OrderCommandType = OrderCommand['type'];

/**
 * Returns the events a command produces, or [] for an idempotent re-send.
 * State checks that make the command meaningless come first, then input
 * checks, so a client is never told to fix input it cannot usefully resend.
 */
export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'ChangeShippingAddress':
      return changeShippingAddress(command, state);
    case 'ShipOrder':
      return shipOrder(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'AdjustOrderPrice':
      return adjustOrderPrice(command, state);
    default:
      return assertNever(command, 'order command');
  }
}

function placeOrder({ data, metadata }: PlaceOrder, state: OrderState): OrderPlaced[] {
  if (state.status !== 'empty') {
    throw new OrderRuleError('ORDER_ALREADY_EXISTS', `Order ${state.orderId} already exists`);
  }

  // Input checks run in field order so the first error matches the form.
  if (!data.customerExists) {
    throw new OrderRuleError('UNKNOWN_CUSTOMER', `Unknown customer ${data.customerId}`, 'customerId');
  }

  const lines = priceLines(data.items, data.products);
  const currency = singleCurrency(data.items, data.products);
  const shippingAddress = normalizeAddress(data.shippingAddress, 'shippingAddress');
  const total = lines.reduce((sum, line) => sum + line.lineTotal, 0);
  if (total > MAX_ORDER_TOTAL) throw totalTooLarge(total);

  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId: data.orderId,
        customerId: data.customerId,
        lines,
        currency,
        total,
        shippingAddress,
        placedAt: metadata.now.toISOString(),
      },
    },
  ];
}

function priceLines(items: ReadonlyArray<PlaceOrderItem>, products: Readonly<Record<string, Product>>): OrderLine[] {
  const count = Array.isArray(items) ? items.length : 0;
  if (count < MIN_LINES) {
    throw new OrderRuleError('TOO_FEW_LINES', `An order needs at least ${MIN_LINES} line`, 'items');
  }
  if (count > MAX_LINES) {
    throw new OrderRuleError('TOO_MANY_LINES', `An order can have at most ${MAX_LINES} lines`, 'items');
  }

  const seen = new Set<string>();
  return items.map((item, index) => {
    const product = findProduct(products, item.sku);
    if (product === undefined) {
      throw new OrderRuleError('UNKNOWN_SKU', `Unknown product ${String(item.sku)}`, `items.${index}.sku`);
    }
    // Quantities belong on one line per SKU; two lines would make later
    // per-line corrections ambiguous.
    if (seen.has(item.sku)) {
      throw new OrderRuleError('DUPLICATE_SKU', `Product ${item.sku} appears more than once`, `items.${index}.sku`);
    }
    seen.add(item.sku);
    const quantity = assertQuantity(item.quantity, `items.${index}.quantity`);
    return {
      sku: item.sku,
      name: product.name,
      quantity,
      unitPrice: product.unitPrice,
      lineTotal: product.unitPrice * quantity,
    };
  });
}

/** Only called after every SKU is known to exist. */
function singleCurrency(items: ReadonlyArray<PlaceOrderItem>, products: Readonly<Record<string, Product>>): string {
  const currencies = new Set(items.map((item) => findProduct(products, item.sku)?.currency));
  const [currency] = currencies;
  // A single total in minor units is meaningless across currencies.
  if (currencies.size !== 1 || currency === undefined) {
    throw new OrderRuleError('MIXED_CURRENCY', 'All products in an order must share one currency', 'items');
  }
  return currency;
}

function findProduct(products: Readonly<Record<string, Product>>, sku: unknown): Product | undefined {
  // Own keys only: a SKU such as "constructor" must not resolve to Object.prototype.
  if (typeof sku !== 'string' || !Object.prototype.hasOwnProperty.call(products, sku)) return undefined;
  return products[sku];
}

function changeShippingAddress({ data, metadata }: ChangeShippingAddress, state: OrderState): ShippingAddressChanged[] {
  const order = requireExisting(state);
  if (order.status === 'cancelled') {
    throw new OrderRuleError('ORDER_CANCELLED', `Order ${order.orderId} is cancelled`);
  }
  if (order.status === 'shipped') {
    throw new OrderRuleError('ORDER_ALREADY_SHIPPED', `Order ${order.orderId} has already shipped`);
  }

  const address = normalizeAddress(data.address, 'address');
  if (sameAddress(address, order.shippingAddress)) return [];

  return [
    {
      type: 'ShippingAddressChanged',
      data: {
        orderId: order.orderId,
        address,
        previousAddress: order.shippingAddress,
        changedAt: metadata.now.toISOString(),
      },
    },
  ];
}

function shipOrder({ metadata }: ShipOrder, state: OrderState): OrderShipped[] {
  const order = requireExisting(state);
  if (order.status === 'cancelled') {
    throw new OrderRuleError('ORDER_CANCELLED', `Order ${order.orderId} is cancelled`);
  }
  if (order.status === 'shipped') return [];

  return [{ type: 'OrderShipped', data: { orderId: order.orderId, shippedAt: metadata.now.toISOString() } }];
}

function cancelOrder({ data, metadata }: CancelOrder, state: OrderState): OrderCancelled[] {
  const order = requireExisting(state);
  if (order.status === 'shipped') {
    throw new OrderRuleError('ORDER_ALREADY_SHIPPED', `Order ${order.orderId} has already shipped`);
  }
  // A re-send is recognised by state alone; its reason is not compared
  // because the first cancellation's reason is the one on record.
  if (order.status === 'cancelled') return [];

  const reasonCode = assertReasonCode(data.reasonCode);
  const reason = normalizeReason(data.reason);
  return [
    {
      type: 'OrderCancelled',
      data: {
        orderId: order.orderId,
        reason,
        reasonCode,
        amount: order.total,
        cancelledAt: metadata.now.toISOString(),
      },
    },
  ];
}

function adjustOrderPrice({ data, metadata }: AdjustOrderPrice, state: OrderState): OrderPriceAdjusted[] {
  const order = requireExisting(state);
  // Shipped orders may still be corrected; a cancelled one has nothing left to bill.
  if (order.status === 'cancelled') {
    throw new OrderRuleError('ORDER_CANCELLED', `Order ${order.orderId} is cancelled`);
  }

  const amountDelta = assertAmountDelta(data.amountDelta);
  const reason = normalizeReason(data.reason);
  const newTotal = order.total + amountDelta;
  if (newTotal < 0) {
    throw new OrderRuleError(
      'NEGATIVE_TOTAL',
      `Adjustment of ${amountDelta} would make the total of order ${order.orderId} negative (${newTotal})`,
    );
  }
  if (newTotal > MAX_ORDER_TOTAL) throw totalTooLarge(newTotal);

  return [
    {
      type: 'OrderPriceAdjusted',
      data: {
        orderId: order.orderId,
        amountDelta,
        reason,
        previousTotal: order.total,
        newTotal,
        adjustedAt: metadata.now.toISOString(),
      },
    },
  ];
}

function totalTooLarge(total: number) {
  return new OrderRuleError(
    'ORDER_TOTAL_TOO_LARGE',
    `An order total can be at most ${MAX_ORDER_TOTAL} minor units (cents); this one would be ${total}`,
  );
}

function requireExisting(state: OrderState): ExistingOrder {
  if (state.status === 'empty') {
    throw new OrderRuleError('ORDER_NOT_FOUND', 'Order not found');
  }
  return state;
}
