/** Shared shapes used by both commands and events. Type aliases (not
 * interfaces) so they stay assignable to `Record<string, unknown>` for
 * event stores that expect plain JSON records. */

/** Money is always integer minor units (cents) in the currency alongside it. */
export type Money = number;

export type ShippingAddress = {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  country: string;
};

/** Reference data as resolved by the command handler at decision time. */
export type Product = {
  sku: string;
  name: string;
  unitPrice: Money;
  currency: string;
};

/** A priced order line, frozen at placement so later price changes in the
 * catalogue never rewrite what the customer agreed to. */
export type OrderLine = {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
};
