import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../lib/auth/session-cookie';

describe('safeNextPath', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNextPath('/orders/123/audit?version=2')).toBe('/orders/123/audit?version=2');
    expect(safeNextPath('/dashboard?at=2026-01-01T00%3A00%3A00Z#customers')).toBe(
      '/dashboard?at=2026-01-01T00%3A00%3A00Z#customers',
    );
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example'],
    ['a backslash a browser reads as a slash', '/\\evil.example'],
    ['a tab a browser drops', '/\t/evil.example'],
    ['a newline a browser drops', '/\n/evil.example'],
    ['a path that is not absolute', 'orders'],
    ['no path at all', undefined],
    ['the sign-in page itself', '/sign-in?next=/orders'],
  ])('turns %s into /orders', (_what, value) => {
    expect(safeNextPath(value)).toBe('/orders');
  });

  it('never leaves the site, whatever the browser does with the result', () => {
    for (const value of ['/%2F/evil.example', '/./evil.example', '/..//evil.example', '/ /evil.example']) {
      const next = safeNextPath(value);
      expect(new URL(next, 'https://app.example').host, value).toBe('app.example');
    }
  });
});
