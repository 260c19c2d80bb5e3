import { z } from 'zod';
import {
  ADDRESS_MAX_LENGTH,
  MAX_LINES,
  MAX_QUANTITY,
  MIN_LINES,
  MIN_QUANTITY,
  REASON_MAX,
  MAX_ADJUSTMENT,
  CANCEL_REASON_CODES,
} from '../domain/order/rules';

// Input shapes for every entry point (JSON API and server actions). They use
// the domain's own limits, so the edge reports every bad field at once while
// decide() still guards its rules for any caller.

// PostgreSQL text and jsonb cannot hold U+0000 or half a surrogate pair; such
// input must be a 400, not a database error.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .refine((value) => !UNSTORABLE.test(value), `${label} contains characters that cannot be stored.`);

export const addressSchema = z.object({
  name: text('Name', ADDRESS_MAX_LENGTH.name),
  line1: text('Address line', ADDRESS_MAX_LENGTH.line1),
  city: text('City', ADDRESS_MAX_LENGTH.city),
  postalCode: text('Postal code', ADDRESS_MAX_LENGTH.postalCode),
  country: text('Country', ADDRESS_MAX_LENGTH.country),
});

export const orderIdSchema = z.uuid('Not an order id.');

export const placeOrderSchema = z.object({
  customerId: z.uuid('Choose a customer.'),
  items: z
    .array(
      z.object({
        sku: text('SKU', 64),
        quantity: z
          .number({ error: 'Quantity must be a number.' })
          .int('Quantity must be a whole number.')
          .min(MIN_QUANTITY, `Quantity must be at least ${MIN_QUANTITY}.`)
          .max(MAX_QUANTITY, `Quantity must be at most ${MAX_QUANTITY}.`),
      }),
      { error: 'Items are required.' },
    )
    .min(MIN_LINES, 'An order needs at least one line.')
    .max(MAX_LINES, `An order has at most ${MAX_LINES} lines.`),
  shippingAddress: addressSchema,
});

export const reasonSchema = text('Reason', REASON_MAX);

export const cancelOrderSchema = z.object({
  reason: reasonSchema,
  // Optional for scripts written before codes existed; the forms always send one.
  reasonCode: z
    .enum(CANCEL_REASON_CODES, { error: `Choose why the order is cancelled (${CANCEL_REASON_CODES.join(', ')}).` })
    .default('other'),
});
export const shipOrderSchema = z.object({});
export const changeShippingAddressSchema = z.object({ address: addressSchema });
export const adjustOrderPriceSchema = z.object({
  amountDelta: z
    .number({ error: 'Amount must be a number (minor units, e.g. cents).' })
    .int('Amount must be a whole number of minor units (e.g. cents).')
    .refine((n) => n !== 0, 'Amount must not be zero.')
    .min(-MAX_ADJUSTMENT, `Amount must be at least -${MAX_ADJUSTMENT} minor units.`)
    .max(MAX_ADJUSTMENT, `Amount must be at most ${MAX_ADJUSTMENT} minor units.`),
  reason: reasonSchema,
});

export type PlaceOrderInput = z.infer<typeof placeOrderSchema>;
export type CancelOrderInput = z.infer<typeof cancelOrderSchema>;
export type ChangeShippingAddressInput = z.infer<typeof changeShippingAddressSchema>;
export type AdjustOrderPriceInput = z.infer<typeof adjustOrderPriceSchema>;

/** zod issues → { "items.0.quantity": "Quantity must be at least 1." } (first issue per field). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}
