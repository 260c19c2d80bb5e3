import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_MINUTES, windowFromUrl, windowParam, WINDOWS } from '@/components/dashboard/trend-window';

describe('the trend window in the URL', () => {
  it('reads each offered window back from its parameter', () => {
    for (const { minutes } of WINDOWS) {
      const param = windowParam(minutes);
      expect(windowFromUrl(param)).toBe(minutes);
    }
    expect(windowFromUrl('4h')).toBe(240);
  });

  it('leaves the default hour out of the URL', () => {
    expect(DEFAULT_WINDOW_MINUTES).toBe(60);
    expect(windowParam(60)).toBeNull();
    expect(windowParam(1440)).toBe('24h');
  });

  it('falls back to the hour for a missing or unknown window', () => {
    for (const raw of [null, '', '2h', '240', '4H', ' 4h']) expect(windowFromUrl(raw)).toBe(60);
  });

  it('refuses to write a window it does not offer', () => {
    expect(() => windowParam(45)).toThrow(RangeError);
  });
});
