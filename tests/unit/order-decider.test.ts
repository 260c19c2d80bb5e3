import { describe, expect, it } from 'vitest';
import {
  ADDRESS_FIELDS,
  ADDRESS_MAX_LENGTH,
  MAX_LINES,
  MAX_QUANTITY,
  REASON_MAX,
  orderDecider,
  type OrderEvent,
  type PlaceOrderItem,
  type Product,
  type ShippingAddress,
} from '../../lib/domain/order';
import { DeciderSpec } from '../../lib/domain/testing/decider-spec';
import {
  CUSTOMER_ID,
  EVEN_LATER,
  LATER,
  ORDER_ID,
  PLACED_AT,
  PLACED_TOTAL,
  addressChanged,
  address,
  adjustPrice,
  cancelOrder,
  catalog,
  changeAddress,
  orderCancelled,
  orderPlaced,
  orderShipped,
  otherAddress,
  placeOrder,
  priceAdjusted,
  productsFor,
  shipOrder,
} from './order-fixtures';

const spec = DeciderSpec.for(orderDecider);

/** 51 distinct EUR products, enough to cross MAX_LINES. */
const manyProducts: Record<string, Product> = Object.fromEntries(
  Array.from({ length: MAX_LINES + 1 }, (_, i) => {
    const sku = `SKU-${String(i).padStart(3, '0')}`;
    return [sku, { sku, name: `Item ${i}`, unitPrice: 100 + i, currency: 'EUR' }];
  }),
);
const manyItems = (count: number): PlaceOrderItem[] =>
  Object.keys(manyProducts)
    .slice(0, count)
    .map((sku) => ({ sku, quantity: 1 }));

const withField = (key: keyof ShippingAddress, value: string): ShippingAddress => ({ ...address, [key]: value });

describe('PlaceOrder', () => {
  it('places an order, pricing every line from the resolved products', () => {
    spec.given([]).when(placeOrder()).then([orderPlaced]);
  });

  it('sums line totals (unitPrice × quantity) into the order total', () => {
    spec
      .given([])
      .when(
        placeOrder({
          items: [
            { sku: 'SKU-CAP', quantity: 3 },
            { sku: 'SKU-TEE', quantity: 2 },
          ],
        }),
      )
      .then([
        {
          type: 'OrderPlaced',
          data: {
            orderId: ORDER_ID,
            customerId: CUSTOMER_ID,
            lines: [
              { sku: 'SKU-CAP', name: 'Cap', quantity: 3, unitPrice: 899, lineTotal: 2697 },
              { sku: 'SKU-TEE', name: 'T-shirt', quantity: 2, unitPrice: 1999, lineTotal: 3998 },
            ],
            currency: 'EUR',
            total: 6695,
            shippingAddress: address,
            placedAt: PLACED_AT,
          },
        },
      ]);
  });

  it('takes the currency from the products', () => {
    const items = [{ sku: 'SKU-USD', quantity: 1 }];
    spec
      .given([])
      .when(placeOrder({ items }))
      .then([
        {
          type: 'OrderPlaced',
          data: {
            ...orderPlaced.data,
            lines: [{ sku: 'SKU-USD', name: 'Imported mug', quantity: 1, unitPrice: 500, lineTotal: 500 }],
            currency: 'USD',
            total: 500,
          },
        },
      ]);
  });

  it('stores the shipping address trimmed', () => {
    const padded: ShippingAddress = {
      name: '  Ada Lovelace ',
      line1: '\t12 St James Square',
      city: 'London  ',
      postalCode: ' SW1Y 4JH ',
      country: ' United Kingdom\n',
    };
    spec
      .given([])
      .when(placeOrder({ shippingAddress: padded }))
      .then([orderPlaced]);
  });

  it('records placedAt from the injected clock as an ISO string', () => {
    spec
      .given([])
      .when(placeOrder({}, '2030-12-31T23:59:59.999Z'))
      .then([{ type: 'OrderPlaced', data: { ...orderPlaced.data, placedAt: '2030-12-31T23:59:59.999Z' } }]);
  });

  it.each([
    ['placed', [orderPlaced]],
    ['shipped', [orderPlaced, orderShipped()]],
    ['cancelled', [orderPlaced, orderCancelled('Changed my mind', PLACED_TOTAL)]],
  ])('rejects placing an order that already exists (%s)', (_status, history) => {
    spec
      .given(history)
      .when(placeOrder())
      .thenThrows('ORDER_ALREADY_EXISTS', { kind: 'rule_violation', field: undefined });
  });

  it('reports ORDER_ALREADY_EXISTS before any input problem', () => {
    spec
      .given([orderPlaced])
      .when(placeOrder({ customerExists: false, items: [] }))
      .thenThrows('ORDER_ALREADY_EXISTS');
  });

  it('rejects an unknown customer', () => {
    spec
      .given([])
      .when(placeOrder({ customerExists: false }))
      .thenThrows('UNKNOWN_CUSTOMER', { kind: 'invalid_input', field: 'customerId' });
  });

  it('rejects an unknown SKU, pointing at its line', () => {
    const items = [
      { sku: 'SKU-MUG', quantity: 1 },
      { sku: 'SKU-NOPE', quantity: 1 },
    ];
    spec
      .given([])
      .when(placeOrder({ items, products: productsFor(items) }))
      .thenThrows('UNKNOWN_SKU', { kind: 'invalid_input', field: 'items.1.sku' });
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'does not resolve SKU %j through Object.prototype',
    (sku) => {
      spec
        .given([])
        .when(placeOrder({ items: [{ sku, quantity: 1 }], products: {} }))
        .thenThrows('UNKNOWN_SKU', { field: 'items.0.sku' });
    },
  );

  it('rejects an order without lines', () => {
    spec
      .given([])
      .when(placeOrder({ items: [] }))
      .thenThrows('TOO_FEW_LINES', { kind: 'invalid_input', field: 'items' });
  });

  it(`accepts exactly ${MAX_LINES} lines`, () => {
    const items = manyItems(MAX_LINES);
    const expectedTotal = items.reduce((sum, { sku }) => sum + (manyProducts[sku]?.unitPrice ?? NaN), 0);
    const [event] = orderDecider.decide(placeOrder({ items, products: manyProducts }), orderDecider.initialState());
    expect(event?.type).toBe('OrderPlaced');
    expect(event?.type === 'OrderPlaced' && event.data.lines).toHaveLength(MAX_LINES);
    expect(event?.type === 'OrderPlaced' && event.data.total).toBe(expectedTotal);
  });

  it(`rejects more than ${MAX_LINES} lines`, () => {
    spec
      .given([])
      .when(placeOrder({ items: manyItems(MAX_LINES + 1), products: manyProducts }))
      .thenThrows('TOO_MANY_LINES', { kind: 'invalid_input', field: 'items' });
  });

  it('rejects the same SKU on two lines, pointing at the repeat', () => {
    const items = [
      { sku: 'SKU-MUG', quantity: 1 },
      { sku: 'SKU-TEE', quantity: 1 },
      { sku: 'SKU-MUG', quantity: 4 },
    ];
    spec
      .given([])
      .when(placeOrder({ items }))
      .thenThrows('DUPLICATE_SKU', { kind: 'invalid_input', field: 'items.2.sku' });
  });

  it.each([0, -1, MAX_QUANTITY + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects quantity %s', (quantity) => {
    const items = [
      { sku: 'SKU-MUG', quantity: 1 },
      { sku: 'SKU-TEE', quantity },
    ];
    spec
      .given([])
      .when(placeOrder({ items }))
      .thenThrows('INVALID_QUANTITY', { kind: 'invalid_input', field: 'items.1.quantity' });
  });

  it('rejects a quantity that is not a number at all', () => {
    const items = [{ sku: 'SKU-MUG', quantity: '2' as unknown as number }];
    spec.given([]).when(placeOrder({ items })).thenThrows('INVALID_QUANTITY', { field: 'items.0.quantity' });
  });

  it.each([1, MAX_QUANTITY])('accepts the boundary quantity %s', (quantity) => {
    spec
      .given([])
      .when(placeOrder({ items: [{ sku: 'SKU-CAP', quantity }] }))
      .then([
        {
          type: 'OrderPlaced',
          data: {
            ...orderPlaced.data,
            lines: [{ sku: 'SKU-CAP', name: 'Cap', quantity, unitPrice: 899, lineTotal: 899 * quantity }],
            total: 899 * quantity,
          },
        },
      ]);
  });

  it('rejects products in different currencies', () => {
    const items = [
      { sku: 'SKU-MUG', quantity: 1 },
      { sku: 'SKU-USD', quantity: 1 },
    ];
    spec.given([]).when(placeOrder({ items })).thenThrows('MIXED_CURRENCY', { kind: 'invalid_input', field: 'items' });
  });

  describe('shipping address', () => {
    it.each(ADDRESS_FIELDS)('rejects an empty %s', (key) => {
      spec
        .given([])
        .when(placeOrder({ shippingAddress: withField(key, '') }))
        .thenThrows('INVALID_ADDRESS', { kind: 'invalid_input', field: `shippingAddress.${key}` });
    });

    it.each(ADDRESS_FIELDS)('rejects a whitespace-only %s', (key) => {
      spec
        .given([])
        .when(placeOrder({ shippingAddress: withField(key, ' \t\n ') }))
        .thenThrows('INVALID_ADDRESS', { field: `shippingAddress.${key}` });
    });

    it.each(ADDRESS_FIELDS)('rejects a %s longer than its limit', (key) => {
      spec
        .given([])
        .when(placeOrder({ shippingAddress: withField(key, 'x'.repeat(ADDRESS_MAX_LENGTH[key] + 1)) }))
        .thenThrows('INVALID_ADDRESS', { field: `shippingAddress.${key}` });
    });

    it.each(ADDRESS_FIELDS)('rejects a missing %s', (key) => {
      const rest: Partial<ShippingAddress> = { ...address };
      delete rest[key];
      spec
        .given([])
        .when(placeOrder({ shippingAddress: rest as ShippingAddress }))
        .thenThrows('INVALID_ADDRESS', { field: `shippingAddress.${key}` });
    });

    it.each(ADDRESS_FIELDS)('accepts a %s at its limit once trimmed', (key) => {
      const atLimit = 'x'.repeat(ADDRESS_MAX_LENGTH[key]);
      spec
        .given([])
        .when(placeOrder({ shippingAddress: withField(key, `  ${atLimit}  `) }))
        .then([{ type: 'OrderPlaced', data: { ...orderPlaced.data, shippingAddress: withField(key, atLimit) } }]);
    });

    it('has the agreed limits', () => {
      expect(ADDRESS_MAX_LENGTH).toEqual({ name: 100, line1: 200, city: 100, postalCode: 20, country: 56 });
    });
  });

  describe('order of input checks (field order)', () => {
    it('customer before items', () => {
      spec
        .given([])
        .when(placeOrder({ customerExists: false, items: [] }))
        .thenThrows('UNKNOWN_CUSTOMER');
    });

    it('items before shipping address', () => {
      spec
        .given([])
        .when(placeOrder({ items: [{ sku: 'SKU-MUG', quantity: 0 }], shippingAddress: withField('city', '') }))
        .thenThrows('INVALID_QUANTITY', { field: 'items.0.quantity' });
    });

    it('line count before line contents', () => {
      const items = [...manyItems(MAX_LINES), { sku: 'SKU-NOPE', quantity: 0 }];
      spec
        .given([])
        .when(placeOrder({ items, products: manyProducts }))
        .thenThrows('TOO_MANY_LINES');
    });

    it('earlier lines before later lines', () => {
      const items = [
        { sku: 'SKU-MUG', quantity: 0 },
        { sku: 'SKU-NOPE', quantity: 1 },
      ];
      spec.given([]).when(placeOrder({ items })).thenThrows('INVALID_QUANTITY', { field: 'items.0.quantity' });
    });

    it('sku before quantity within a line', () => {
      spec
        .given([])
        .when(placeOrder({ items: [{ sku: 'SKU-NOPE', quantity: 0 }] }))
        .thenThrows('UNKNOWN_SKU', { field: 'items.0.sku' });
    });

    it('per-line checks before currency', () => {
      const items = [
        { sku: 'SKU-USD', quantity: 1 },
        { sku: 'SKU-MUG', quantity: 1000 },
      ];
      spec.given([]).when(placeOrder({ items })).thenThrows('INVALID_QUANTITY', { field: 'items.1.quantity' });
    });

    it('currency before shipping address', () => {
      const items = [
        { sku: 'SKU-USD', quantity: 1 },
        { sku: 'SKU-MUG', quantity: 1 },
      ];
      spec
        .given([])
        .when(placeOrder({ items, shippingAddress: withField('name', '') }))
        .thenThrows('MIXED_CURRENCY');
    });

    it('address fields in declaration order', () => {
      spec
        .given([])
        .when(placeOrder({ shippingAddress: { ...address, city: '', line1: ' ', country: '' } }))
        .thenThrows('INVALID_ADDRESS', { field: 'shippingAddress.line1' });
    });
  });
});

describe('ChangeShippingAddress', () => {
  it('changes the address, recording the previous one', () => {
    spec
      .given([orderPlaced])
      .when(changeAddress(otherAddress))
      .then([addressChanged(otherAddress, address)]);
  });

  it('stores the new address trimmed', () => {
    const padded = { ...otherAddress, city: '  Paris ', postalCode: ' 75001' };
    spec
      .given([orderPlaced])
      .when(changeAddress(padded))
      .then([addressChanged(otherAddress, address)]);
  });

  it('uses the latest address as previousAddress after earlier changes', () => {
    spec
      .given([orderPlaced, addressChanged(otherAddress, address)])
      .when(changeAddress(address, EVEN_LATER))
      .then([addressChanged(address, otherAddress, EVEN_LATER)]);
  });

  it('is a no-op when the address is unchanged', () => {
    spec.given([orderPlaced]).when(changeAddress(address)).thenNothing();
  });

  it('is a no-op when the address only differs by surrounding whitespace', () => {
    spec
      .given([orderPlaced, addressChanged(otherAddress, address)])
      .when(changeAddress({ ...otherAddress, name: ` ${otherAddress.name} ` }))
      .thenNothing();
  });

  it('treats a change in a single field as a change', () => {
    spec
      .given([orderPlaced])
      .when(changeAddress(withField('postalCode', 'SW1Y 4JJ')))
      .then([addressChanged(withField('postalCode', 'SW1Y 4JJ'), address)]);
  });

  it('rejects a missing order', () => {
    spec
      .given([])
      .when(changeAddress(otherAddress))
      .thenThrows('ORDER_NOT_FOUND', { kind: 'not_found', field: undefined });
  });

  it('rejects a cancelled order', () => {
    spec
      .given([orderPlaced, orderCancelled('Out of stock', PLACED_TOTAL)])
      .when(changeAddress(otherAddress))
      .thenThrows('ORDER_CANCELLED', { kind: 'rule_violation', field: undefined });
  });

  it('rejects a shipped order', () => {
    spec
      .given([orderPlaced, orderShipped()])
      .when(changeAddress(otherAddress, EVEN_LATER))
      .thenThrows('ORDER_ALREADY_SHIPPED', { kind: 'rule_violation', field: undefined });
  });

  it('checks state before input', () => {
    const invalid = withField('city', '');
    spec.given([]).when(changeAddress(invalid)).thenThrows('ORDER_NOT_FOUND');
    spec
      .given([orderPlaced, orderCancelled('Out of stock', PLACED_TOTAL)])
      .when(changeAddress(invalid))
      .thenThrows('ORDER_CANCELLED');
    spec.given([orderPlaced, orderShipped()]).when(changeAddress(invalid)).thenThrows('ORDER_ALREADY_SHIPPED');
  });

  it.each(ADDRESS_FIELDS)('rejects an invalid %s under the address.* path', (key) => {
    spec
      .given([orderPlaced])
      .when(changeAddress(withField(key, '   ')))
      .thenThrows('INVALID_ADDRESS', { kind: 'invalid_input', field: `address.${key}` });
    spec
      .given([orderPlaced])
      .when(changeAddress(withField(key, 'y'.repeat(ADDRESS_MAX_LENGTH[key] + 1))))
      .thenThrows('INVALID_ADDRESS', { field: `address.${key}` });
  });

  it('validates the address even when it would otherwise be a no-op', () => {
    // The stored address is valid, so an invalid input can never be "the same".
    spec
      .given([orderPlaced])
      .when(changeAddress(withField('country', '')))
      .thenThrows('INVALID_ADDRESS');
  });
});

describe('ShipOrder', () => {
  it('ships a placed order', () => {
    spec.given([orderPlaced]).when(shipOrder()).then([orderShipped()]);
  });

  it('ships an order whose price and address were corrected', () => {
    spec
      .given([orderPlaced, addressChanged(otherAddress, address), priceAdjusted(-500, 'Promo', PLACED_TOTAL)])
      .when(shipOrder(EVEN_LATER))
      .then([orderShipped(EVEN_LATER)]);
  });

  it('is a no-op when already shipped', () => {
    spec.given([orderPlaced, orderShipped()]).when(shipOrder(EVEN_LATER)).thenNothing();
  });

  it('rejects a missing order', () => {
    spec.given([]).when(shipOrder()).thenThrows('ORDER_NOT_FOUND', { kind: 'not_found' });
  });

  it('rejects a cancelled order', () => {
    spec
      .given([orderPlaced, orderCancelled('Fraud suspected', PLACED_TOTAL)])
      .when(shipOrder(EVEN_LATER))
      .thenThrows('ORDER_CANCELLED', { kind: 'rule_violation' });
  });
});

describe('CancelOrder', () => {
  it('cancels a placed order, carrying its total as the amount', () => {
    spec
      .given([orderPlaced])
      .when(cancelOrder('Customer changed their mind'))
      .then([orderCancelled('Customer changed their mind', PLACED_TOTAL)]);
  });

  it('carries the adjusted total, not the placed one', () => {
    spec
      .given([
        orderPlaced,
        priceAdjusted(-499, 'Coupon not applied', PLACED_TOTAL),
        priceAdjusted(100, 'Gift wrap', 4000),
      ])
      .when(cancelOrder('Out of stock', EVEN_LATER))
      .then([orderCancelled('Out of stock', 4100, EVEN_LATER)]);
  });

  it('stores the reason trimmed', () => {
    spec
      .given([orderPlaced])
      .when(cancelOrder('   Out of stock\n'))
      .then([orderCancelled('Out of stock', PLACED_TOTAL)]);
  });

  it(`accepts a reason of exactly ${REASON_MAX} characters`, () => {
    const reason = 'r'.repeat(REASON_MAX);
    spec
      .given([orderPlaced])
      .when(cancelOrder(reason))
      .then([orderCancelled(reason, PLACED_TOTAL)]);
  });

  it.each([
    ['empty', ''],
    ['whitespace only', '  \t '],
    ['too long', 'r'.repeat(REASON_MAX + 1)],
  ])('rejects a reason that is %s', (_label, reason) => {
    spec
      .given([orderPlaced])
      .when(cancelOrder(reason))
      .thenThrows('INVALID_REASON', { kind: 'invalid_input', field: 'reason' });
  });

  it('rejects a reason that is not a string', () => {
    spec
      .given([orderPlaced])
      .when(cancelOrder(undefined as unknown as string))
      .thenThrows('INVALID_REASON', { field: 'reason' });
  });

  it('is a no-op when already cancelled, whatever the re-sent reason', () => {
    const history = [orderPlaced, orderCancelled('Out of stock', PLACED_TOTAL)];
    spec.given(history).when(cancelOrder('Out of stock', EVEN_LATER)).thenNothing();
    spec.given(history).when(cancelOrder('', EVEN_LATER)).thenNothing();
  });

  it('rejects a missing order', () => {
    spec.given([]).when(cancelOrder('Out of stock')).thenThrows('ORDER_NOT_FOUND', { kind: 'not_found' });
  });

  it('rejects a shipped order', () => {
    spec
      .given([orderPlaced, orderShipped()])
      .when(cancelOrder('Too late', EVEN_LATER))
      .thenThrows('ORDER_ALREADY_SHIPPED', { kind: 'rule_violation', field: undefined });
  });

  it('checks state before input', () => {
    spec.given([]).when(cancelOrder('')).thenThrows('ORDER_NOT_FOUND');
    spec.given([orderPlaced, orderShipped()]).when(cancelOrder('')).thenThrows('ORDER_ALREADY_SHIPPED');
  });
});

describe('AdjustOrderPrice', () => {
  it('records a downward correction with previous and new totals', () => {
    spec
      .given([orderPlaced])
      .when(adjustPrice(-499, 'Coupon not applied'))
      .then([
        {
          type: 'OrderPriceAdjusted',
          data: {
            orderId: ORDER_ID,
            amountDelta: -499,
            reason: 'Coupon not applied',
            previousTotal: 4499,
            newTotal: 4000,
            adjustedAt: LATER,
          },
        },
      ]);
  });

  it('records an upward correction', () => {
    spec
      .given([orderPlaced])
      .when(adjustPrice(250, 'Shipping surcharge omitted'))
      .then([priceAdjusted(250, 'Shipping surcharge omitted', PLACED_TOTAL)]);
  });

  it('builds on earlier adjustments', () => {
    spec
      .given([orderPlaced, priceAdjusted(-499, 'Coupon not applied', PLACED_TOTAL)])
      .when(adjustPrice(-1000, 'Damaged on arrival', EVEN_LATER))
      .then([priceAdjusted(-1000, 'Damaged on arrival', 4000, EVEN_LATER)]);
  });

  it('is allowed after shipping', () => {
    spec
      .given([orderPlaced, orderShipped()])
      .when(adjustPrice(-100, 'Late delivery goodwill', EVEN_LATER))
      .then([priceAdjusted(-100, 'Late delivery goodwill', PLACED_TOTAL, EVEN_LATER)]);
  });

  it('may bring the total to exactly zero', () => {
    spec
      .given([orderPlaced])
      .when(adjustPrice(-PLACED_TOTAL, 'Full goodwill refund'))
      .then([priceAdjusted(-PLACED_TOTAL, 'Full goodwill refund', PLACED_TOTAL)]);
  });

  it('stores the reason trimmed', () => {
    spec
      .given([orderPlaced])
      .when(adjustPrice(-1, '  Rounding  '))
      .then([priceAdjusted(-1, 'Rounding', PLACED_TOTAL)]);
  });

  it('rejects an adjustment that makes the total negative', () => {
    spec
      .given([orderPlaced])
      .when(adjustPrice(-(PLACED_TOTAL + 1), 'Too generous'))
      .thenThrows('NEGATIVE_TOTAL', { kind: 'rule_violation', field: undefined });
  });

  it('judges a negative total against the adjusted total, not the placed one', () => {
    spec
      .given([orderPlaced, priceAdjusted(-4000, 'Big mistake', PLACED_TOTAL)])
      .when(adjustPrice(-500, 'Another one', EVEN_LATER))
      .thenThrows('NEGATIVE_TOTAL');
  });

  it.each([0, 1.5, -0.01, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'rejects amountDelta %s',
    (amountDelta) => {
      spec
        .given([orderPlaced])
        .when(adjustPrice(amountDelta, 'Correction'))
        .thenThrows('INVALID_AMOUNT', { kind: 'invalid_input', field: 'amountDelta' });
    },
  );

  it.each([
    ['empty', ''],
    ['whitespace only', ' \n '],
    ['too long', 'r'.repeat(REASON_MAX + 1)],
  ])('rejects a reason that is %s', (_label, reason) => {
    spec
      .given([orderPlaced])
      .when(adjustPrice(-100, reason))
      .thenThrows('INVALID_REASON', { kind: 'invalid_input', field: 'reason' });
  });

  it('rejects a missing order', () => {
    spec.given([]).when(adjustPrice(-100, 'Correction')).thenThrows('ORDER_NOT_FOUND', { kind: 'not_found' });
  });

  it('rejects a cancelled order', () => {
    spec
      .given([orderPlaced, orderCancelled('Out of stock', PLACED_TOTAL)])
      .when(adjustPrice(-100, 'Correction', EVEN_LATER))
      .thenThrows('ORDER_CANCELLED', { kind: 'rule_violation', field: undefined });
  });

  it('checks state first, then amount, then reason, then the resulting total', () => {
    spec
      .given([orderPlaced, orderCancelled('Out of stock', PLACED_TOTAL)])
      .when(adjustPrice(0, ''))
      .thenThrows('ORDER_CANCELLED');
    spec.given([orderPlaced]).when(adjustPrice(0, '')).thenThrows('INVALID_AMOUNT');
    spec.given([orderPlaced]).when(adjustPrice(-1_000_000, '')).thenThrows('INVALID_REASON');
  });
});

describe('evolve', () => {
  const { evolve, initialState } = orderDecider;
  const replay = (...events: Parameters<typeof evolve>[1][]) => events.reduce(evolve, initialState());

  it('starts empty, with a fresh object each time', () => {
    expect(initialState()).toEqual({ status: 'empty' });
    expect(initialState()).not.toBe(initialState());
  });

  it('turns OrderPlaced into a placed snapshot', () => {
    expect(replay(orderPlaced)).toStrictEqual({
      status: 'placed',
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      lines: orderPlaced.data.lines,
      currency: 'EUR',
      total: PLACED_TOTAL,
      shippingAddress: address,
      placedAt: PLACED_AT,
      adjustments: [],
    });
  });

  it('applies address changes and adjustments, then shipping', () => {
    const state = replay(
      orderPlaced,
      addressChanged(otherAddress, address),
      priceAdjusted(-499, 'Coupon not applied', PLACED_TOTAL),
      orderShipped(EVEN_LATER),
      priceAdjusted(100, 'Customs fee', 4000, '2025-03-04T08:00:00.000Z'),
    );
    expect(state).toStrictEqual({
      status: 'shipped',
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      lines: orderPlaced.data.lines,
      currency: 'EUR',
      total: 4100,
      shippingAddress: otherAddress,
      placedAt: PLACED_AT,
      shippedAt: EVEN_LATER,
      adjustments: [
        { amountDelta: -499, reason: 'Coupon not applied', adjustedAt: LATER },
        { amountDelta: 100, reason: 'Customs fee', adjustedAt: '2025-03-04T08:00:00.000Z' },
      ],
    });
  });

  it('records cancellation time and reason', () => {
    const state = replay(
      orderPlaced,
      priceAdjusted(-99, 'Typo', PLACED_TOTAL),
      orderCancelled('Out of stock', 4400, EVEN_LATER),
    );
    expect(state).toStrictEqual({
      status: 'cancelled',
      orderId: ORDER_ID,
      customerId: CUSTOMER_ID,
      lines: orderPlaced.data.lines,
      currency: 'EUR',
      total: 4400,
      shippingAddress: address,
      placedAt: PLACED_AT,
      cancelledAt: EVEN_LATER,
      cancelReason: 'Out of stock',
      cancelReasonCode: 'customer_request',
      adjustments: [{ amountDelta: -99, reason: 'Typo', adjustedAt: LATER }],
    });
  });

  it('keeps total equal to the placed total plus every delta', () => {
    const state = replay(
      orderPlaced,
      priceAdjusted(-1000, 'a', PLACED_TOTAL),
      priceAdjusted(300, 'b', 3499),
      priceAdjusted(-1, 'c', 3799),
    );
    expect(state.status === 'placed' && state.total).toBe(PLACED_TOTAL - 1000 + 300 - 1);
    expect(state.status === 'placed' && state.adjustments.map((a) => a.amountDelta)).toEqual([-1000, 300, -1]);
  });

  it('does not mutate the previous state', () => {
    const placed = Object.freeze(replay(orderPlaced));
    const shipped = evolve(placed, orderShipped());
    expect(placed.status).toBe('placed');
    expect(shipped.status).toBe('shipped');
  });

  it.each([
    ['OrderShipped on an empty order', [orderShipped()]],
    ['OrderCancelled on an empty order', [orderCancelled('x', 1)]],
    ['ShippingAddressChanged on an empty order', [addressChanged(otherAddress, address)]],
    ['OrderPriceAdjusted on an empty order', [priceAdjusted(-1, 'x', 1)]],
    ['OrderPlaced twice', [orderPlaced, orderPlaced]],
    ['OrderShipped twice', [orderPlaced, orderShipped(), orderShipped(EVEN_LATER)]],
    ['OrderShipped after cancellation', [orderPlaced, orderCancelled('x', PLACED_TOTAL), orderShipped(EVEN_LATER)]],
    ['OrderCancelled after shipping', [orderPlaced, orderShipped(), orderCancelled('x', PLACED_TOTAL, EVEN_LATER)]],
    ['OrderCancelled twice', [orderPlaced, orderCancelled('x', PLACED_TOTAL), orderCancelled('y', PLACED_TOTAL)]],
  ])('refuses impossible history: %s', (_label, events) => {
    expect(() => replay(...events)).toThrow(expect.objectContaining({ name: 'OrderHistoryError' }));
  });
});

describe('decide/evolve round trip', () => {
  it('replays a full lifecycle built only from decide()', () => {
    const { decide, evolve, initialState } = orderDecider;
    const commands = [
      placeOrder(),
      changeAddress(otherAddress),
      adjustPrice(-499, 'Coupon not applied', EVEN_LATER),
      shipOrder('2025-03-04T08:00:00.000Z'),
      shipOrder('2025-03-04T09:00:00.000Z'),
    ];
    let state = initialState();
    const history = [];
    for (const command of commands) {
      const events = decide(command, state);
      history.push(...events);
      state = events.reduce(evolve, state);
    }
    expect(history.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'ShippingAddressChanged',
      'OrderPriceAdjusted',
      'OrderShipped',
    ]);
    expect(state).toMatchObject({
      status: 'shipped',
      total: 4000,
      shippingAddress: otherAddress,
      shippedAt: '2025-03-04T08:00:00.000Z',
    });
  });
});

describe('catalogue fixtures', () => {
  it('keep the default order total honest', () => {
    expect(2 * (catalog['SKU-MUG']?.unitPrice ?? 0) + (catalog['SKU-TEE']?.unitPrice ?? 0)).toBe(PLACED_TOTAL);
  });
});

describe('event payloads', () => {
  // Compile-time guard: event data must stay assignable to a jsonb-shaped
  // record (no Date, no undefined-only fields, no class instances).
  type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
  type JsonEvent = { type: string; data: { [key: string]: Json } };

  it('are plain JSON records', () => {
    const samples: JsonEvent[] = [
      orderPlaced,
      addressChanged(otherAddress, address),
      orderShipped(),
      orderCancelled('x', 1),
      priceAdjusted(-1, 'x', 2),
    ] satisfies OrderEvent[];
    expect(JSON.parse(JSON.stringify(samples))).toStrictEqual(samples);
  });
});

describe('CancelOrder reason codes', () => {
  it.each(['customer_request', 'out_of_stock', 'payment_failed', 'suspected_fraud', 'other'] as const)(
    'records %s with the free-text reason',
    (code) => {
      spec
        .given([orderPlaced])
        .when(cancelOrder('  Because  ', LATER, code))
        .then([orderCancelled('Because', PLACED_TOTAL, LATER, code)]);
    },
  );

  it.each([['not_recorded'], ['fraud'], [''], [42]])('refuses %s as the code a person chose', (code) => {
    spec
      .given([orderPlaced])
      .when(cancelOrder('Because', LATER, code as never))
      .thenThrows('INVALID_REASON_CODE', { kind: 'invalid_input', field: 'reasonCode' });
  });

  it('treats a re-sent cancellation as done, whatever code it carries', () => {
    spec
      .given([orderPlaced, orderCancelled('Because', PLACED_TOTAL)])
      .when(cancelOrder('Again', EVEN_LATER, 'other'))
      .then([]);
  });
});
