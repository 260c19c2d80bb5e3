import { describe, expect, it } from 'vitest';
import { describeEvent, eventLabel, findCorrection, formatAmount, stateAtVersion } from '../../lib/audit';
import { ORDER_EVENT_TYPES } from '../../lib/domain/order';
import { history, recorded } from './audit-fixtures';
import {
  address,
  addressChanged,
  orderPlaced,
  orderShipped,
  otherAddress,
  PLACED_TOTAL,
  priceAdjusted,
} from './order-fixtures';

describe('eventLabel', () => {
  it('says every known event type in words', () => {
    expect(ORDER_EVENT_TYPES.map(eventLabel)).toEqual([
      'Order placed',
      'Shipping address changed',
      'Order shipped',
      'Order cancelled',
      'Price adjusted',
    ]);
  });

  it('still reads an unknown type as words', () => {
    expect(eventLabel('OrderRefundIssued')).toBe('Order refund issued');
    // Not an inherited property of the label table either.
    expect(eventLabel('constructor')).toBe('Constructor');
  });
});

describe('describeEvent', () => {
  it('given an order placed, then each line, the total, the address (one line) and the customer', () => {
    expect(describeEvent(orderPlaced)).toEqual({
      label: 'Order placed',
      details: [
        '2 × Mug (SKU-MUG) at €12.50 = €25.00',
        '1 × T-shirt (SKU-TEE) at €19.99 = €19.99',
        'Total: €44.99',
        'Ship to: Ada Lovelace, 12 St James Square, SW1Y 4JH London, United Kingdom',
        'Customer: cus_0001',
      ],
      reason: null,
    });
  });

  it('given the customer’s name, then the name next to the id', () => {
    expect(describeEvent(orderPlaced, undefined, 'Ada Lovelace').details.at(-1)).toBe(
      'Customer: Ada Lovelace (cus_0001)',
    );
  });

  it('given a new address, then both addresses', () => {
    expect(describeEvent(addressChanged(otherAddress, address), 'EUR').details).toEqual([
      'From: Ada Lovelace, 12 St James Square, SW1Y 4JH London, United Kingdom',
      'To: Ada Lovelace, 1 Rue de Rivoli, 75001 Paris, France',
    ]);
  });

  it("given a price adjustment in the order's currency, then the signed amount, the totals and the reason apart", () => {
    expect(describeEvent(priceAdjusted(-500, 'Damaged box', PLACED_TOTAL), 'EUR')).toEqual({
      label: 'Price adjusted',
      details: ['Adjustment: -€5.00', 'Total: €44.99 → €39.99'],
      reason: 'Damaged box',
    });
  });

  it('given a cancellation, then the amount reversed and the reason', () => {
    const [, , , cancelled] = history;
    expect(describeEvent(cancelled!, 'EUR')).toEqual({
      label: 'Order cancelled',
      details: ['Reason code: Customer request', 'Amount reversed: €45.69'],
      reason: 'Customer changed their mind',
    });
    expect(describeEvent(orderShipped(), 'EUR').details).toEqual(['Handed over for delivery']);
  });

  it('given no usable currency, then amounts say what they are instead of guessing', () => {
    expect(describeEvent(priceAdjusted(70, 'x', 100)).details[0]).toBe('Adjustment: +70 minor units');
    expect(formatAmount(70, 'NOT-A-CODE')).toBe('70 minor units of NOT-A-CODE');
    expect(formatAmount('70', 'EUR')).toBe('?');
    expect(formatAmount(1234, 'JPY')).toBe('JP¥1,234');
  });

  it('given an unknown type, then its fields as key: value', () => {
    expect(describeEvent({ type: 'OrderGiftWrapped', data: { orderId: 'o', paper: 'red', cost: 150 } })).toEqual({
      label: 'Order gift wrapped',
      details: ['paper: red', 'cost: 150'],
      reason: null,
    });
  });

  it('given a payload altered into the wrong shapes, then it still describes it, marking what is missing', () => {
    expect(() => describeEvent({ type: 'OrderPlaced', data: { lines: 'nope', total: 'x' } })).not.toThrow();
    expect(describeEvent({ type: 'OrderPlaced', data: { lines: [null], total: 'x' } }).details).toEqual([
      '?',
      'Total: ?',
      'Ship to: ?',
      'Customer: ?',
    ]);
    expect(describeEvent({ type: 'OrderPriceAdjusted', data: null }, 'EUR').details).toEqual([
      'Adjustment: ?',
      'Total: ? → ?',
    ]);
  });
});

describe('findCorrection', () => {
  const stream = recorded(history);
  const correctionOf = (version: number) => findCorrection(stream[version - 1]!, stream.slice(0, version - 1), 'EUR');

  it('given a price adjustment, then it corrects the total agreed when the order was placed', () => {
    expect(correctionOf(3)).toEqual({
      kind: 'adjustment',
      correctsVersion: 1,
      summary: 'Corrects the total agreed in v1 by +€0.70 (€44.99 → €45.69)',
    });
  });

  it('given a cancellation, then it reverses the placement for the amount the order stood at', () => {
    expect(correctionOf(4)).toEqual({
      kind: 'reversal',
      correctsVersion: 1,
      summary: 'Reverses the order placed in v1 (€45.69)',
    });
  });

  it('given new facts (placing, re-addressing, shipping), then they correct nothing', () => {
    expect(correctionOf(1)).toBeNull();
    expect(correctionOf(2)).toBeNull();
    expect(findCorrection(recorded([orderPlaced, orderShipped()])[1]!, stream.slice(0, 1))).toBeNull();
  });

  it('given no placement before it, then there is nothing to point at', () => {
    expect(findCorrection(stream[2]!, [])).toBeNull();
  });

  it('is consistent with the replayed totals', () => {
    const before = stateAtVersion(stream, 2);
    const after = stateAtVersion(stream, 3);
    expect(before.status !== 'empty' && after.status !== 'empty' && after.total - before.total).toBe(70);
  });
});
