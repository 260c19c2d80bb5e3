import { describe, expect, it } from 'vitest';
import { ADDRESS_LABELS } from '../../components/orders/address-fields';
import { COUNTRY_OPTIONS, countryName } from '../../components/format/country';
import { apiParams, listSearch, readListState } from '../../components/orders-list/url-state';
import { addressSchema, fieldErrors, placeOrderSchema } from '../../lib/commands/schemas';
import { COUNTRY_CODES } from '../../lib/domain/order/countries';
import { listOrdersQuerySchema } from '../../lib/read-models/order-summaries/list-params';

// The forms check their fields with the server's own schemas as they are
// typed; these are the properties that makes them rely on.

const errorsOf = (result: { success: boolean; error?: unknown }) =>
  result.success ? {} : fieldErrors(result.error as Parameters<typeof fieldErrors>[0]);

describe('the server schemas, as the forms use them', () => {
  it('names every address field as the form labels it', () => {
    const errors = errorsOf(addressSchema.safeParse({ name: '', line1: ' ', city: '', postalCode: '', country: '' }));
    expect(Object.keys(errors).sort()).toEqual(Object.keys(ADDRESS_LABELS).sort());
    for (const [field, label] of Object.entries(ADDRESS_LABELS)) {
      expect(errors[field], field).toBe(`${label} is required.`);
    }
  });

  it('names the product "Product", and reports every line and field of an empty order at once', () => {
    const errors = errorsOf(
      placeOrderSchema.safeParse({
        customerId: '',
        items: [{ sku: '', quantity: Number.NaN }],
        shippingAddress: { name: '', line1: '', city: '', postalCode: '', country: '' },
      }),
    );
    expect(errors['items.0.sku']).toBe('Product is required.');
    expect(errors['items.0.quantity']).toBe('Quantity must be a number.');
    expect(errors.customerId).toBe('Choose a customer.');
    expect(Object.values(errors).join(' ')).not.toMatch(/SKU/);
  });

  it('takes a country as an ISO 3166 code in any case, and refuses names and codes of no country', () => {
    const address = { name: 'Ada', line1: '1 Loop St', city: 'Oslo', postalCode: '0150' };
    expect(addressSchema.parse({ ...address, country: ' no ' }).country).toBe('NO');
    for (const country of ['Norway', 'EU', 'UK', 'XK', 'N0']) {
      const errors = errorsOf(addressSchema.safeParse({ ...address, country }));
      expect(errors.country, country).toMatch(/^Country must be an ISO 3166 country code/);
    }
  });

  it('offers every accepted country in the picker, by its name, and only those', () => {
    expect(COUNTRY_OPTIONS.map((c) => c.code).sort()).toEqual([...COUNTRY_CODES].sort());
    expect(COUNTRY_CODES).toHaveLength(249);
    for (const option of COUNTRY_OPTIONS) expect(option.name).not.toBe(option.code);
    expect(countryName('NL')).toBe('Netherlands');
    // Addresses recorded before there were codes are shown as they were stored.
    expect(countryName('United Kingdom')).toBe('United Kingdom');
  });
});

describe('the orders list in the address bar', () => {
  it('keeps the valid parameters of a URL and drops the rest, with the schema of GET /api/orders', () => {
    const state = readListState(
      new URLSearchParams('q=%20Ada%20&status=lost&sort=total&dir=asc&size=50&from=2026-02-30&to=2026-03-01&cursor=!!'),
    );
    expect(state).toEqual({
      q: 'Ada',
      status: undefined,
      customerId: undefined,
      from: undefined,
      to: '2026-03-01',
      sort: 'total',
      dir: 'asc',
      size: 50,
      cursor: undefined,
      before: undefined,
    });
    // Written back, defaults are left out; read again, it is the same state.
    expect(listSearch(state)).toBe('?q=Ada&to=2026-03-01&sort=total&dir=asc&size=50');
    expect(readListState(new URLSearchParams(listSearch(state)))).toEqual(state);
    expect(listSearch(readListState(new URLSearchParams('')))).toBe('');
    expect(readListState(new URLSearchParams('from=2026-13-01&to=20260301')).from).toBeUndefined();
  });

  it('turns local days into an inclusive range of instants the API accepts', () => {
    const params = apiParams(readListState(new URLSearchParams('from=2026-03-01&to=2026-03-01')));
    expect(Date.parse(params.placedBefore!) - Date.parse(params.placedFrom!)).toBe(24 * 3600 * 1000);
    expect(new Date(params.placedFrom!).getDate()).toBe(1);
    const text = Object.fromEntries(
      Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
    );
    expect(listOrdersQuerySchema.safeParse(text).success).toBe(true);
  });
});
