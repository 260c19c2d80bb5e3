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
  maximumFractionDigits: 1,
});
/** For axis labels: "€1.2K". */
export const moneyCompact = (minor: number) => compactMoney.format(minor / 100);

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
