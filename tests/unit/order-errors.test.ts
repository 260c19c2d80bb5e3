import { describe, expect, it } from 'vitest';
import {
  ORDER_RULE_CODES,
  ORDER_RULE_KINDS,
  OrderRuleError,
  isOrderRuleError,
  orderDecider,
} from '../../lib/domain/order';
import { placeOrder } from './order-fixtures';

describe('OrderRuleError', () => {
  it('is an Error carrying code, kind and field', () => {
    const error = new OrderRuleError('INVALID_QUANTITY', 'bad quantity', 'items.2.quantity');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OrderRuleError');
    expect(error.message).toBe('bad quantity');
    expect(error.code).toBe('INVALID_QUANTITY');
    expect(error.kind).toBe('invalid_input');
    expect(error.field).toBe('items.2.quantity');
  });

  it('has no field property when none is given', () => {
    const error = new OrderRuleError('ORDER_NOT_FOUND', 'missing');
    expect(error.kind).toBe('not_found');
    expect('field' in error).toBe(false);
  });

  it('maps every code to the agreed kind', () => {
    expect(ORDER_RULE_KINDS).toEqual({
      ORDER_NOT_FOUND: 'not_found',
      ORDER_ALREADY_EXISTS: 'rule_violation',
      ORDER_CANCELLED: 'rule_violation',
      ORDER_ALREADY_SHIPPED: 'rule_violation',
      NEGATIVE_TOTAL: 'rule_violation',
      ORDER_TOTAL_TOO_LARGE: 'rule_violation',
      UNKNOWN_CUSTOMER: 'invalid_input',
      UNKNOWN_SKU: 'invalid_input',
      TOO_FEW_LINES: 'invalid_input',
      TOO_MANY_LINES: 'invalid_input',
      DUPLICATE_SKU: 'invalid_input',
      INVALID_QUANTITY: 'invalid_input',
      MIXED_CURRENCY: 'invalid_input',
      INVALID_ADDRESS: 'invalid_input',
      INVALID_REASON: 'invalid_input',
      INVALID_REASON_CODE: 'invalid_input',
      INVALID_AMOUNT: 'invalid_input',
    });
    expect(ORDER_RULE_CODES).toHaveLength(17);
  });

  it('is what decide() throws', () => {
    let caught: unknown;
    try {
      orderDecider.decide(placeOrder({ customerExists: false }), orderDecider.initialState());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OrderRuleError);
    expect(isOrderRuleError(caught)).toBe(true);
  });
});

describe('isOrderRuleError', () => {
  it('accepts instances', () => {
    expect(isOrderRuleError(new OrderRuleError('UNKNOWN_SKU', 'x', 'items.0.sku'))).toBe(true);
  });

  it('accepts a same-shaped error from a duplicated module copy', () => {
    const foreign = Object.assign(new Error('x'), {
      name: 'OrderRuleError',
      code: 'ORDER_CANCELLED',
      kind: 'rule_violation',
    });
    expect(isOrderRuleError(foreign)).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('x')],
    ['null', null],
    ['a string', 'ORDER_NOT_FOUND'],
    ['an unknown code', { name: 'OrderRuleError', code: 'NOPE', kind: 'invalid_input' }],
    ['a code without the name', { code: 'ORDER_NOT_FOUND', kind: 'not_found' }],
  ])('rejects %s', (_label, value) => {
    expect(isOrderRuleError(value)).toBe(false);
  });
});
