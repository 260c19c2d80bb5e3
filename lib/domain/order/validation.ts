import { isAdjustment } from './amounts';
import { OrderRuleError } from './errors';
import {
  ADDRESS_FIELDS,
  ADDRESS_MAX_LENGTH,
  ADDRESS_MIN_LENGTH,
  CANCEL_REASON_CODES,
  type CancelReasonCode,
  MAX_ADJUSTMENT,
  MAX_QUANTITY,
  MIN_QUANTITY,
  REASON_MAX,
  REASON_MIN,
} from './rules';
import type { ShippingAddress } from './types';

// Checks read values as `unknown` on purpose: the domain is the last line of
// defence, so it must hold even if a caller skipped schema validation.

export function assertQuantity(quantity: unknown, field: string): number {
  if (
    typeof quantity !== 'number' ||
    !Number.isInteger(quantity) ||
    quantity < MIN_QUANTITY ||
    quantity > MAX_QUANTITY
  ) {
    throw new OrderRuleError(
      'INVALID_QUANTITY',
      `Quantity must be a whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}`,
      field,
    );
  }
  return quantity;
}

/** Returns the trimmed address, which is what gets stored. */
export function normalizeAddress(address: ShippingAddress, prefix: 'shippingAddress' | 'address'): ShippingAddress {
  const source: Partial<Record<keyof ShippingAddress, unknown>> =
    typeof address === 'object' && address !== null ? address : {};
  const result: Partial<ShippingAddress> = {};
  for (const key of ADDRESS_FIELDS) {
    const raw = source[key];
    const value = typeof raw === 'string' ? raw.trim() : undefined;
    const max = ADDRESS_MAX_LENGTH[key];
    if (value === undefined || value.length < ADDRESS_MIN_LENGTH || value.length > max) {
      throw new OrderRuleError('INVALID_ADDRESS', `Address ${key} must be 1 to ${max} characters`, `${prefix}.${key}`);
    }
    result[key] = value;
  }
  return result as ShippingAddress;
}

export function sameAddress(a: ShippingAddress, b: ShippingAddress): boolean {
  return ADDRESS_FIELDS.every((key) => a[key] === b[key]);
}

/** Returns the trimmed reason, which is what gets stored. */
export function normalizeReason(reason: unknown): string {
  const value = typeof reason === 'string' ? reason.trim() : '';
  if (value.length < REASON_MIN || value.length > REASON_MAX) {
    throw new OrderRuleError('INVALID_REASON', `Reason must be ${REASON_MIN} to ${REASON_MAX} characters`, 'reason');
  }
  return value;
}

export function assertAmountDelta(amountDelta: unknown): number {
  // Zero would record an adjustment that changes nothing; past the bound no
  // total could take it (see MAX_ADJUSTMENT).
  if (!isAdjustment(amountDelta)) {
    throw new OrderRuleError(
      'INVALID_AMOUNT',
      `Amount must be a non-zero whole number of minor units (cents) from -${MAX_ADJUSTMENT} to ${MAX_ADJUSTMENT}`,
      'amountDelta',
    );
  }
  return amountDelta;
}

/** One of the codes a person may choose ('not_recorded' only describes old events). */
export function assertReasonCode(code: unknown): CancelReasonCode {
  if (typeof code !== 'string' || !(CANCEL_REASON_CODES as readonly string[]).includes(code)) {
    throw new OrderRuleError(
      'INVALID_REASON_CODE',
      `Reason code must be one of ${CANCEL_REASON_CODES.join(', ')}`,
      'reasonCode',
    );
  }
  return code as CancelReasonCode;
}
