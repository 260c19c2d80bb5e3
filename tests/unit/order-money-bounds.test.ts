import { describe, expect, it } from 'vitest';
import {
  MAX_ADJUSTMENT,
  MAX_ORDER_TOTAL,
  amountProblem,
  orderDecider,
  type OrderEvent,
  type Product,
} from '../../lib/domain/order';
import { DeciderSpec } from '../../lib/domain/testing/decider-spec';
import {
  EVEN_LATER,
  PLACED_TOTAL,
  adjustPrice,
  orderCancelled,
  orderPlaced,
  placeOrder,
  priceAdjusted,
} from './order-fixtures';

// Money stays exact: every total, adjustment and cancelled amount that decide()
// writes or evolve() folds is a whole number from the domain's bounds, which
// keep every sum of them inside a JavaScript number and a PostgreSQL bigint.

const spec = DeciderSpec.for(orderDecider);

const product = (sku: string, unitPrice: number): Product => ({ sku, name: sku, unitPrice, currency: 'EUR' });
const HALF = product('SKU-HALF', MAX_ORDER_TOTAL / 2);
const CENT = product('SKU-CENT', 1);
const DEAREST = product('SKU-DEAREST', 2 ** 31 - 1); // the catalogue's int column holds no more

const placeWith = (lines: Array<[Product, number]>) =>
  placeOrder({
    items: lines.map(([p, quantity]) => ({ sku: p.sku, quantity })),
    products: Object.fromEntries(lines.map(([p]) => [p.sku, p])),
  });

describe('an order total is at most MAX_ORDER_TOTAL', () => {
  it('places an order whose total is exactly the bound', () => {
    const [event] = orderDecider.decide(placeWith([[HALF, 2]]), orderDecider.initialState());
    expect(event).toMatchObject({ type: 'OrderPlaced', data: { total: MAX_ORDER_TOTAL } });
  });

  it('refuses one minor unit more (409 rule violation, no event)', () => {
    spec
      .given([])
      .when(
        placeWith([
          [HALF, 2],
          [CENT, 1],
        ]),
      )
      .thenThrows('ORDER_TOTAL_TOO_LARGE', { kind: 'rule_violation', field: undefined });
  });

  it('refuses the largest order the catalogue and form allow, without losing a cent on the way', () => {
    const lines = Array.from({ length: 50 }, (_, i): [Product, number] => [
      product(`SKU-${i}`, DEAREST.unitPrice),
      999,
    ]);
    expect(() => orderDecider.decide(placeWith(lines), orderDecider.initialState())).toThrow(
      expect.objectContaining({
        code: 'ORDER_TOTAL_TOO_LARGE',
        message: expect.stringContaining(String(50 * 999 * DEAREST.unitPrice)),
      }),
    );
  });

  it('takes an adjustment up to exactly the bound, and refuses one more', () => {
    spec
      .given([orderPlaced])
      .when(adjustPrice(MAX_ORDER_TOTAL - PLACED_TOTAL, 'Annual contract'))
      .then([priceAdjusted(MAX_ORDER_TOTAL - PLACED_TOTAL, 'Annual contract', PLACED_TOTAL)]);
    spec
      .given([orderPlaced])
      .when(adjustPrice(MAX_ORDER_TOTAL - PLACED_TOTAL + 1, 'Annual contract'))
      .thenThrows('ORDER_TOTAL_TOO_LARGE', { kind: 'rule_violation' });
  });

  it('holds across many adjustments: each one is judged against the total so far', () => {
    // Nine adjustments bring the total to MAX_ORDER_TOTAL − 2.
    const step = 111_110_611;
    const history: OrderEvent[] = [orderPlaced];
    let total = PLACED_TOTAL;
    for (let i = 0; i < 9; i++) {
      history.push(priceAdjusted(step, `Step ${i}`, total));
      total += step;
    }
    expect(total).toBe(MAX_ORDER_TOTAL - 2);
    spec
      .given(history)
      .when(adjustPrice(2, 'Last cents', EVEN_LATER))
      .then([priceAdjusted(2, 'Last cents', total, EVEN_LATER)]);
    spec
      .given(history)
      .when(adjustPrice(3, 'One too many', EVEN_LATER))
      .thenThrows('ORDER_TOTAL_TOO_LARGE');
    // Repeating the largest single adjustment is what used to run totals past 2^53.
    spec
      .given(history)
      .when(adjustPrice(MAX_ADJUSTMENT, 'Again', EVEN_LATER))
      .thenThrows('ORDER_TOTAL_TOO_LARGE');
  });
});

describe('a single adjustment is at most MAX_ADJUSTMENT either way', () => {
  it.each([MAX_ADJUSTMENT + 1, -(MAX_ADJUSTMENT + 1), Number.MAX_SAFE_INTEGER, 1e21])(
    'refuses %s as invalid input (400), before looking at the total',
    (amountDelta) => {
      spec
        .given([orderPlaced])
        .when(adjustPrice(amountDelta, 'Typo'))
        .thenThrows('INVALID_AMOUNT', { kind: 'invalid_input', field: 'amountDelta' });
    },
  );

  it('takes -MAX_ADJUSTMENT as input and then judges the total (negative)', () => {
    spec.given([orderPlaced]).when(adjustPrice(-MAX_ADJUSTMENT, 'Refund')).thenThrows('NEGATIVE_TOTAL');
  });
});

describe('evolve refuses amounts no decision could have written', () => {
  const placedWith = (total: number): OrderEvent => ({ ...orderPlaced, data: { ...orderPlaced.data, total } });
  const fold = (...events: OrderEvent[]) => events.reduce(orderDecider.evolve, orderDecider.initialState());
  const refused = (...events: OrderEvent[]) =>
    expect(() => fold(...events)).toThrow(expect.objectContaining({ name: 'OrderHistoryError' }));

  it('folds the bounds themselves', () => {
    expect(fold(placedWith(MAX_ORDER_TOTAL))).toMatchObject({ total: MAX_ORDER_TOTAL });
    expect(fold(placedWith(0))).toMatchObject({ total: 0 });
  });

  it.each([MAX_ORDER_TOTAL + 1, -1, 12.5, 2 ** 53 + 2, 1e300])('refuses an OrderPlaced total of %s', (total) => {
    refused(placedWith(total));
  });

  it.each([
    ['a delta past the bound', { amountDelta: MAX_ADJUSTMENT + 1, previousTotal: 0, newTotal: MAX_ADJUSTMENT + 1 }],
    [
      'a new total past the bound',
      { amountDelta: 2, previousTotal: MAX_ORDER_TOTAL - 1, newTotal: MAX_ORDER_TOTAL + 1 },
    ],
    [
      'a new total that is not previous + delta',
      { amountDelta: 1, previousTotal: PLACED_TOTAL, newTotal: PLACED_TOTAL + 2 },
    ],
    ['an unsafe integer', { amountDelta: 2 ** 53, previousTotal: 2 ** 53, newTotal: 2 ** 54 }],
  ])('refuses an adjustment with %s', (_, amounts) => {
    refused(orderPlaced, {
      ...priceAdjusted(1, 'x', PLACED_TOTAL),
      data: { ...priceAdjusted(1, 'x', PLACED_TOTAL).data, ...amounts },
    });
  });

  it('refuses an adjustment that is well-formed alone but takes this order past the bound', () => {
    refused(placedWith(MAX_ORDER_TOTAL), priceAdjusted(1, 'x', MAX_ORDER_TOTAL - 1));
  });

  it('refuses a cancelled amount past the bound', () => {
    refused(orderPlaced, orderCancelled('x', MAX_ORDER_TOTAL + 1));
  });

  it('says what is wrong, for the projections that set such an event aside', () => {
    expect(amountProblem(placedWith(MAX_ORDER_TOTAL + 1))).toContain(`total ${MAX_ORDER_TOTAL + 1}`);
    expect(amountProblem(orderPlaced)).toBeNull();
  });
});
