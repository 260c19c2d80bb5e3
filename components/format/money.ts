// Money is stored as integer minor units; these helpers are the only place
// that turns it into text and back, so a currency without cents (JPY) or with
// three decimals (KWD) is handled the same way everywhere.

/** One locale for server and browser, so server-rendered text matches hydration. */
export const LOCALE = 'en-GB';

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, signed = false) {
  const key = `${currency}:${signed}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, {
      style: 'currency',
      currency,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    formatters.set(key, format);
  }
  return format;
}

const digitsOf = new Map<string, number>();

export function minorUnitDigits(currency: string): number {
  // Remembered: resolvedOptions() builds a new object on every call, once per amount rendered.
  let digits = digitsOf.get(currency);
  if (digits === undefined) {
    digits = formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
    digitsOf.set(currency, digits);
  }
  return digits;
}

/** 123456, 'EUR' → "€1,234.56". `signed` adds "+" to increases (for adjustments). */
export function formatMoney(minor: number, currency: string, options: { signed?: boolean } = {}): string {
  return formatter(currency, options.signed).format(minor / 10 ** minorUnitDigits(currency));
}

/**
 * "-5", "12.5", "+1,234.50" → minor units, or null when the text is not an
 * amount in that currency. Parsed as text rather than multiplied as a float,
 * because 0.29 * 100 is 28.999999999999996.
 */
export function parseMajorToMinor(text: string, currency: string): number | null {
  const digits = minorUnitDigits(currency);
  const match = /^([-+\u2212])?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > digits) return null;
  const minor = Number(whole.replaceAll(',', '')) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return null;
  return sign === '-' || sign === '\u2212' ? -minor : minor;
}
