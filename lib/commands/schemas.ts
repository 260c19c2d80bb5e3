import '../zod-config';
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
import { isCountryCode } from '../domain/order/countries';

// Input shapes for every entry point (JSON API and server actions), and for
// the forms, which check each field against them as it is typed: so the
// messages name the fields as the forms label them ("Product", not "SKU").
// Pure (zod and the domain's limits only), so the browser can import it.
// They use the domain's own limits, so the edge reports every bad field at
// once while decide() still guards its rules for any caller.

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

/**
 * New addresses name their country by ISO 3166-1 alpha-2 code (any case).
 * Events recorded before hold free text ("Norway"); nothing re-validates
 * stored events, so they stay readable, and pages show such text as it is.
 */
const countryCode = z
  .string({ error: 'Country is required.' })
  .trim()
  .min(1, 'Country is required.')
  .transform((value) => value.toUpperCase())
  .refine(
    (code): boolean => isCountryCode(code),
    'Country must be an ISO 3166 country code, such as NL: choose one from the list.',
  );

export const addressSchema = z.object({
  name: text('Recipient name', ADDRESS_MAX_LENGTH.name),
  line1: text('Street address', ADDRESS_MAX_LENGTH.line1),
  city: text('City', ADDRESS_MAX_LENGTH.city),
  postalCode: text('Postal code', ADDRESS_MAX_LENGTH.postalCode),
  country: countryCode,
});

export const orderIdSchema = z.uuid('Not an order id.');

export const placeOrderSchema = z.object({
  customerId: z.uuid('Choose a customer.'),
  items: z
    .array(
      z.object({
        sku: text('Product', 64),
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

/** One line for a set of field errors: the message itself when there is one, else how many. */
export function fieldsSummary(fields: Record<string, string>): string {
  const messages = Object.values(fields);
  return messages.length === 1 ? messages[0]! : `${messages.length} fields need attention.`;
}

/** zod issues → { "items.0.quantity": "Quantity must be at least 1." } (first issue per field). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}
