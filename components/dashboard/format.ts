import { formatMoney, LOCALE } from '@/components/format/money';

/**
 * Amounts in read models carry no currency (customer stats and metrics sum
 * minor units); the catalogue is priced in one currency, EUR.
 */
export const DASHBOARD_CURRENCY = 'EUR';

export const money = (minor: number) => formatMoney(minor, DASHBOARD_CURRENCY);

const integer = new Intl.NumberFormat(LOCALE);
export const count = (n: number) => integer.format(n);

const compactMoney = new Intl.NumberFormat(LOCALE, {
  style: 'currency',
  currency: DASHBOARD_CURRENCY,
  notation: 'compact',
  // Both bounds: with only the maximum, some ICU versions keep currency's two as the minimum ("€50.0").
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
});
/** For axis labels, whose ticks are round: "€50", "€1.2K". */
export const moneyCompact = (minor: number) => compactMoney.format(minor / 100);

/**
 * For a key figure: exact below €10,000, where the compact form would only
 * save a digit or two and "€84.6" reads as €84.60; compact from there ("€56.8K").
 */
export const moneyFigure = (minor: number) => (Math.abs(minor) < 1_000_000 ? money(minor) : moneyCompact(minor));

/** 850 → "850 ms", 12_300 → "12.3 s", 190_000 → "3 min 10 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const clock = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit' });
/** The minute in the reader's time zone; only rendered in the browser (data is fetched there). */
export const clockTime = (iso: string) => clock.format(new Date(iso));

const percent = new Intl.NumberFormat(LOCALE, {
  style: 'percent',
  maximumFractionDigits: 0,
  signDisplay: 'exceptZero',
});

/**
 * The change from `previous` to `current`, as a sign and a percentage
 * ("+12%", "−40%"), or null when there is nothing to compare with (0 before).
 */
export function change(current: number, previous: number): { direction: 'up' | 'down' | 'flat'; text: string } | null {
  if (previous === 0) return current === 0 ? { direction: 'flat', text: '±0%' } : null;
  const ratio = (current - previous) / Math.abs(previous);
  const direction = ratio > 0.005 ? 'up' : ratio < -0.005 ? 'down' : 'flat';
  return { direction, text: direction === 'flat' ? '±0%' : percent.format(ratio) };
}

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto', style: 'short' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
];

/** "12 sec ago", "3 min ago", "yesterday": `iso` against `now` (ms). */
export function relativeTime(iso: string, now: number): string {
  let value = (Date.parse(iso) - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) {
      // Under ten seconds ago, or "in the future" by less than a tick of the
      // page's clock (which moves every few seconds): "just now".
      return unit === 'second' && value > -10 ? 'just now' : relative.format(Math.round(value), unit);
    }
    value /= size;
  }
  return relative.format(Math.round(value), 'year');
}
