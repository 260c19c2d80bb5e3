import type { ShippingAddress } from './types';

// Limits live here, apart from decide(), so the API's input schemas can reuse
// the very same numbers and the two layers can never disagree.

export const MIN_LINES = 1;
export const MAX_LINES = 50;

export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 999;

/** Field order matters: validation reports the first bad field in this order. */
export const ADDRESS_FIELDS = ['name', 'line1', 'city', 'postalCode', 'country'] as const satisfies ReadonlyArray<
  keyof ShippingAddress
>;

/** Maximum lengths after trimming, counted like `String.prototype.length` (as zod's `.max()` does). */
export const ADDRESS_MAX_LENGTH = {
  name: 100,
  line1: 200,
  city: 100,
  postalCode: 20,
  // The longest official country name is 56 characters.
  country: 56,
} as const satisfies Record<keyof ShippingAddress, number>;

export const ADDRESS_MIN_LENGTH = 1;

export const REASON_MIN = 1;
export const REASON_MAX = 500;

/**
 * Money bounds, in minor units (cents). No order this pipeline takes comes
 * near 10,000,000.00 in its currency, and the bound keeps every sum far inside
 * the types that hold money: one total or adjustment fits an int (< 2^31),
 * and a customer's lifetime sum or a minute's revenue stays below 2^53 (a
 * JavaScript number; PostgreSQL's bigint holds 1,000 times more) for nine
 * million orders of the largest size.
 */
export const MAX_ORDER_TOTAL = 1_000_000_000;
/** One adjustment may move a total across its whole range, and no further. */
export const MAX_ADJUSTMENT = MAX_ORDER_TOTAL;

/** Why an order was cancelled, chosen from a fixed list so it can be counted. */
export const CANCEL_REASON_CODES = [
  'customer_request',
  'out_of_stock',
  'payment_failed',
  'suspected_fraud',
  'other',
] as const;
export type CancelReasonCode = (typeof CANCEL_REASON_CODES)[number];
/** What cancellations recorded before there were codes read as: never chosen by anyone. */
export const CANCEL_REASON_NOT_RECORDED = 'not_recorded';
export type RecordedCancelReasonCode = CancelReasonCode | typeof CANCEL_REASON_NOT_RECORDED;

/** The label of a stored code; an unknown one is shown as it is. */
export const cancelReasonLabel = (code: unknown): string =>
  typeof code === 'string' && Object.hasOwn(CANCEL_REASON_LABELS, code)
    ? CANCEL_REASON_LABELS[code as RecordedCancelReasonCode]
    : String(code);

/** How people read the codes, in forms, the audit trail and the dashboard. */
export const CANCEL_REASON_LABELS: Record<RecordedCancelReasonCode, string> = {
  customer_request: 'Customer request',
  out_of_stock: 'Out of stock',
  payment_failed: 'Payment failed',
  suspected_fraud: 'Suspected fraud',
  other: 'Other',
  not_recorded: 'Not recorded',
};
