'use client';

import { LOCALE } from './money';
import { useInBrowser } from './use-in-browser';

// Made once: a formatter costs far more to build than to use (building one
// per timestamp was the largest share of the orders page's render).
const LOCAL = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });
const UTC = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * A timestamp in the reader's own time zone. The server does not know that
 * zone, so it renders UTC (labelled) and the browser switches to local time
 * right after hydration, without a hydration mismatch.
 */
export function LocalTime({ iso, className }: { iso: string; className?: string }) {
  const inBrowser = useInBrowser();
  const date = new Date(iso);
  const text = (inBrowser ? LOCAL : UTC).format(date);
  return (
    <time dateTime={iso} title={date.toISOString()} className={className}>
      {inBrowser ? text : `${text} UTC`}
    </time>
  );
}
