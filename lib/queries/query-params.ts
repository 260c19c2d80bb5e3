import { z } from 'zod';

// Query strings send every value as text, and a form sends empty fields as
// `name=`: an empty value means the parameter was not given.
export const param = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const wholeNumber = (label: string, min: number, max: number) => {
  const message = `${label} must be a whole number from ${min} to ${max}.`;
  return z
    .string()
    .regex(/^\d{1,9}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);
};

/**
 * A moment as ISO 8601 date and time with seconds and a time zone (`Z` or
 * `±hh:mm`), e.g. `2026-03-01T10:00:00Z`; fractions of a second are kept to
 * the millisecond. A time without a zone would mean the server's zone, so it
 * is refused rather than guessed.
 */
export const instant = (label: string) => {
  const message = `${label} must be an ISO 8601 date and time with a time zone, e.g. 2026-03-01T10:00:00Z.`;
  return z.preprocess(
    (v) => (typeof v === 'string' ? restoreOffsetPlus(v) : v),
    z.iso.datetime({ offset: true, error: message }).transform((text) => new Date(text)),
  );
};

/**
 * In a query string "+" means space, so a `+hh:mm` offset typed or pasted
 * into an address bar arrives as ` hh:mm`: put the plus back rather than
 * refuse an otherwise good link. (Browser-safe: the dashboard reads its URL
 * the same way.)
 */
export function restoreOffsetPlus(text: string): string {
  return text.replace(/ (\d{2}:\d{2})$/, '+$1');
}

/** Page sizes of the read models' lists. */
export const PAGE_SIZE_DEFAULT = 25;
export const PAGE_SIZE_MAX = 100;
