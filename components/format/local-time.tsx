'use client';

import { LOCALE } from './money';
import { useInBrowser } from './use-in-browser';

/**
 * A timestamp in the reader's own time zone. The server does not know that
 * zone, so it renders UTC (labelled) and the browser switches to local time
 * right after hydration, without a hydration mismatch.
 */
export function LocalTime({ iso, className }: { iso: string; className?: string }) {
  const inBrowser = useInBrowser();
  const date = new Date(iso);
  const text = new Intl.DateTimeFormat(LOCALE, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(inBrowser ? {} : { timeZone: 'UTC' }),
  }).format(date);
  return (
    <time dateTime={iso} title={date.toISOString()} className={className}>
      {inBrowser ? text : `${text} UTC`}
    </time>
  );
}
