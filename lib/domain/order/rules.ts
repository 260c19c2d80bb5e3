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
