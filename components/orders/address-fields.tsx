import type { ChangeEvent } from 'react';
import { COUNTRY_OPTIONS } from '@/components/format/country';
import type { ShippingAddress } from '@/lib/domain/order/types';
import { controlA11y, controlClass, Field, TextField } from '@/components/ui/field';

export const EMPTY_ADDRESS: ShippingAddress = { name: '', line1: '', city: '', postalCode: '', country: '' };

/** The fields' labels; the server's schema names each field the same way in its messages. */
export const ADDRESS_LABELS: Record<keyof ShippingAddress, string> = {
  name: 'Recipient name',
  line1: 'Street address',
  city: 'City',
  postalCode: 'Postal code',
  country: 'Country',
};

type AddressFieldsProps = {
  /** Prefix for element ids, unique per form on the page. */
  idPrefix: string;
  value: ShippingAddress;
  onChange: (field: keyof ShippingAddress, value: string) => void;
  /** Errors keyed by address field (`city`), already stripped of the form's own prefix. */
  errors?: Partial<Record<keyof ShippingAddress, string>>;
  disabled?: boolean;
};

/** Address inputs with the browser's shipping autofill hints, laid out two-up where there is room. */
export function AddressFields({ idPrefix, value, onChange, errors = {}, disabled }: AddressFieldsProps) {
  const field = (key: keyof ShippingAddress) => ({
    id: `${idPrefix}-${key}`,
    name: key,
    value: value[key],
    error: errors[key],
    disabled,
    onChange: (event: ChangeEvent<HTMLInputElement>) => onChange(key, event.target.value),
  });

  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-6">
      <TextField
        {...field('name')}
        label={ADDRESS_LABELS.name}
        autoComplete="shipping name"
        fieldClassName="sm:col-span-6"
      />
      <TextField
        {...field('line1')}
        label={ADDRESS_LABELS.line1}
        autoComplete="shipping address-line1"
        fieldClassName="sm:col-span-6"
      />
      <TextField
        {...field('city')}
        label={ADDRESS_LABELS.city}
        autoComplete="shipping address-level2"
        fieldClassName="sm:col-span-3"
      />
      <TextField
        {...field('postalCode')}
        label={ADDRESS_LABELS.postalCode}
        autoComplete="shipping postal-code"
        fieldClassName="sm:col-span-3"
      />
      <Field id={`${idPrefix}-country`} label={ADDRESS_LABELS.country} error={errors.country} className="sm:col-span-6">
        <select
          name="country"
          value={value.country}
          disabled={disabled}
          onChange={(event) => onChange('country', event.target.value)}
          autoComplete="shipping country"
          {...controlA11y(`${idPrefix}-country`, errors.country)}
          className={controlClass}
        >
          <option value="">Choose a country…</option>
          {/* An address stored before there were codes keeps its text until a country is chosen. */}
          {value.country && !COUNTRY_OPTIONS.some((c) => c.code === value.country) && (
            <option value={value.country}>{value.country} (not a country code)</option>
          )}
          {COUNTRY_OPTIONS.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}

/** `{ "shippingAddress.city": "…" }` → `{ city: "…" }` for one form's prefix. */
export function addressErrors(fields: Record<string, string> | undefined, prefix: string) {
  const errors: Partial<Record<keyof ShippingAddress, string>> = {};
  for (const [key, message] of Object.entries(fields ?? {})) {
    if (key.startsWith(`${prefix}.`)) errors[key.slice(prefix.length + 1) as keyof ShippingAddress] = message;
  }
  return errors;
}
