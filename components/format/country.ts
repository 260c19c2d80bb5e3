import { COUNTRY_CODES, isCountryCode } from '@/lib/domain/order/countries';
import { LOCALE } from './money';

// Made once: building a DisplayNames costs far more than asking it.
const NAMES = new Intl.DisplayNames([LOCALE], { type: 'region', fallback: 'code' });

/** A country code's name ("NL" → "Netherlands"); text from before there were codes is shown as it was stored. */
export function countryName(country: string): string {
  return isCountryCode(country) ? (NAMES.of(country) ?? country) : country;
}

/** Every country, by name, for pickers. */
export const COUNTRY_OPTIONS: readonly { code: string; name: string }[] = COUNTRY_CODES.map((code) => ({
  code,
  name: NAMES.of(code) ?? code,
})).sort((a, b) => a.name.localeCompare(b.name, LOCALE));
