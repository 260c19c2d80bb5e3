'use client';

import { LOCALE } from '@/components/format/money';
import { useInBrowser } from '@/components/format/use-in-browser';
import { utcLabel } from './as-of';

// Seconds matter for a moment someone picked; the zone is named so that a
// screenshot of the page still says which moment it was.
const localFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'long' });
const compactFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * A moment in the reader's zone with its UTC time beside it:
 * "1 Mar 2026, 14:30:05 GMT+5:30 (UTC 2026-03-01 09:00:05)". Before hydration,
 * and where the reader's zone is UTC, only the UTC form. `compact`: the
 * local time alone ("1 Mar 2026, 14:30:05"), for badges.
 */
export function AsOfTime({ date, compact = false, className }: { date: Date; compact?: boolean; className?: string }) {
  const inBrowser = useInBrowser();
  const iso = date.toISOString();
  const utc = utcLabel(date);
  return (
    <time dateTime={iso} title={iso} className={className}>
      {!inBrowser ? (
        utc
      ) : compact ? (
        compactFormat.format(date)
      ) : date.getTimezoneOffset() === 0 ? (
        localFormat.format(date)
      ) : (
        <>
          {localFormat.format(date)} <span className="whitespace-nowrap">({utc})</span>
        </>
      )}
    </time>
  );
}
