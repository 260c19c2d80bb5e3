// The moment of the historic dashboard (`/dashboard?at=`), between three forms:
// the URL's ISO 8601 text with a zone (what the API takes, and what a shared
// link carries), a Date, and the reader's wall-clock time as an
// <input type="datetime-local"> holds it ("2026-03-01T10:00:05", no zone).

import { restoreOffsetPlus } from '@/lib/queries/query-params';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `at` as the URL gives it (the API reads it the same way); '' means no moment, as the API reads it. */
export function atFromUrl(raw: string | null): string | null {
  return raw ? restoreOffsetPlus(raw) : null;
}

/** A Date as the URL's `at`: UTC, to the millisecond, without ".000" when it is whole seconds. */
export function atParam(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

/** The Date an `at` names, or null if the browser cannot read it (the API has the last word). */
export function parseAt(at: string): Date | null {
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** A Date as a datetime-local value in the reader's zone, to the second. */
export function toLocalInput(date: Date): string {
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/**
 * A datetime-local value read as the reader's wall-clock time, or null if it
 * is not a date and time. Built from its fields rather than with
 * `new Date(text)`, so nothing depends on how a browser parses zone-less text
 * (and years below 100 are not taken as 19xx). A time that a daylight-saving
 * change skips (02:30 on a spring-forward night) comes out an hour later, and
 * one it repeats as the first of the two: the banner then shows the moment
 * that was actually used.
 */
export function fromLocalInput(value: string): Date | null {
  const match = /^(\d{4,6})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map((part) => Number(part ?? '0'));
  const ms = Number((match[7] ?? '').padEnd(3, '0'));
  if (hours! > 23 || minutes! > 59 || seconds! > 59) return null;
  const date = new Date(2000, 0, 1);
  date.setFullYear(year!, month! - 1, day!);
  date.setHours(hours!, minutes!, seconds!, ms);
  // 2026-02-30 would roll over into March: not a date.
  if (Number.isNaN(date.getTime()) || date.getMonth() !== month! - 1 || date.getDate() !== day) return null;
  return date;
}

export type AsOfPreset = { label: string; moment: (now: Date) => Date };

/** Quick picks, in the reader's zone; evaluated when clicked. */
export const AS_OF_PRESETS: readonly AsOfPreset[] = [
  { label: '1 hour ago', moment: (now) => new Date(Math.floor(now.getTime() / 1000) * 1000 - 3_600_000) },
  { label: 'Start of today', moment: (now) => startOfDay(now) },
  // The last millisecond of yesterday: everything recorded yesterday, nothing of today.
  { label: 'End of yesterday', moment: (now) => new Date(startOfDay(now).getTime() - 1) },
  { label: '7 days ago', moment: (now) => new Date(Math.floor(now.getTime() / 1000) * 1000 - 7 * 86_400_000) },
];

/** Local midnight (by the calendar, so a 23- or 25-hour day is handled). */
function startOfDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** "UTC 2026-03-01 09:00:05": the same in every zone, for the label beside the local time. */
export function utcLabel(date: Date): string {
  return `UTC ${date.toISOString().slice(0, 19).replace('T', ' ')}`;
}
