// The trend window of the dashboard's key figures and chart, and its form in
// the URL (`?window=4h`): short, readable in a shared link, and the default
// (an hour) left out.

export const WINDOWS = [
  { minutes: 30, param: '30m', label: '30 min' },
  { minutes: 60, param: '1h', label: '1 hour' },
  { minutes: 240, param: '4h', label: '4 hours' },
  { minutes: 1440, param: '24h', label: '24 hours' },
] as const;

export const DEFAULT_WINDOW_MINUTES = 60;

/** The window a URL's `window` names; the default for none or one that is not offered. */
export function windowFromUrl(raw: string | null): number {
  return WINDOWS.find((w) => w.param === raw)?.minutes ?? DEFAULT_WINDOW_MINUTES;
}

/** The URL's `window` for a window of `minutes`: null (left out) for the default. */
export function windowParam(minutes: number): string | null {
  if (minutes === DEFAULT_WINDOW_MINUTES) return null;
  const window = WINDOWS.find((w) => w.minutes === minutes);
  if (!window) throw new RangeError(`no trend window of ${minutes} minutes`);
  return window.param;
}
