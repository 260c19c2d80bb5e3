import { expect, type APIResponse } from '@playwright/test';
import { serveForeignPage } from './foreign-origin';
import { placeOrder, test } from './helpers';

// Every response carries the security headers; pages run under a policy with
// a nonce that the app itself never breaks (the `test` of ./helpers fails any
// test whose pages log a violation), and no other site can frame them.

type Policy = Record<string, string[]>;

function policyOf(response: APIResponse): Policy {
  const header = response.headers()['content-security-policy'];
  expect(header, `a Content-Security-Policy on ${response.url()}`).toBeTruthy();
  // Two policies would arrive joined by a comma, and a browser enforces both.
  expect(header, 'exactly one policy').not.toContain(',');
  return Object.fromEntries(
    header!.split(';').map((directive) => {
      const [name, ...sources] = directive.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

function expectCommonHeaders(response: APIResponse) {
  const headers = response.headers();
  expect(headers['x-content-type-options'], response.url()).toBe('nosniff');
  expect(headers['x-frame-options'], response.url()).toBe('DENY');
  expect(['same-origin', 'strict-origin-when-cross-origin', 'no-referrer']).toContain(headers['referrer-policy']);
  expect(headers['permissions-policy'], response.url()).toContain('camera=()');
}

/** What JSON, assets and Socket.IO get: nothing may run or load, and nothing may frame them. */
function expectStrictPolicy(response: APIResponse) {
  expectCommonHeaders(response);
  const policy = policyOf(response);
  expect(policy['default-src']).toEqual(["'none'"]);
  expect(policy['frame-ancestors']).toEqual(["'none'"]);
}

/** A page's policy; returns its nonce. */
function expectPagePolicy(response: APIResponse): string {
  expectCommonHeaders(response);
  const policy = policyOf(response);
  for (const [directive, sources] of Object.entries({
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'connect-src': ["'self'"],
  })) {
    expect(policy[directive], directive).toEqual(sources);
  }
  const scripts = policy['script-src'] ?? [];
  expect(scripts).not.toContain("'unsafe-eval'");
  expect(scripts).not.toContain("'unsafe-inline'");
  const nonce = scripts.map((source) => /^'nonce-(.+)'$/.exec(source)?.[1]).find(Boolean);
  expect(nonce, 'a nonce in script-src').toBeTruthy();
  return nonce!;
}

test('pages, API routes, assets and Socket.IO all answer with the security headers', async ({
  request,
  playwright,
  baseURL,
}) => {
  const page = await request.get('/orders');
  expect(page.status()).toBe(200);
  const nonce = expectPagePolicy(page);
  const html = await page.text();
  // Next.js put this request's nonce on its scripts, inline ones included.
  expect(html).toContain(`nonce="${nonce}"`);
  expect(html).not.toMatch(/<script(?![^>]*\bnonce=)[^>]*>/);
  // A fresh nonce for every response.
  expect(expectPagePolicy(await request.get('/orders'))).not.toBe(nonce);

  expectStrictPolicy(await request.get('/api/orders?limit=1'));
  const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script, 'a Next.js script on the page').toBeTruthy();
  const asset = await request.get(script!);
  expect(asset.status()).toBe(200);
  expectStrictPolicy(asset);
  expectStrictPolicy(await request.get('/icon.svg'));
  const polling = await request.get('/socket.io/?EIO=4&transport=polling');
  expect(polling.status()).toBe(200);
  // Socket.IO's own handshake answer, not a page.
  expect(await polling.text()).toMatch(/^0\{"sid":/);
  expectStrictPolicy(polling);

  // Signed out: the sign-in page has its nonce too, and other pages still send the visitor there.
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  try {
    const signIn = await anonymous.get('/sign-in?next=%2Fdashboard');
    expect(signIn.status()).toBe(200);
    expect(await signIn.text()).toContain(`nonce="${expectPagePolicy(signIn)}"`);
    const redirect = await anonymous.get('/orders/new', { maxRedirects: 0 });
    expect(redirect.status()).toBe(307);
    expect(redirect.headers()['location']).toBe('/sign-in?next=%2Forders%2Fnew');
    expectCommonHeaders(redirect);
    const api = await anonymous.get('/api/orders');
    expect(api.status()).toBe(401);
    expectStrictPolicy(api);
  } finally {
    await anonymous.dispose();
  }
});

test('every page runs under its policy without a violation, live updates included', async ({ page, browser }) => {
  const signedOut = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const signIn = await signedOut.newPage();
  await signIn.goto('/sign-in');
  await expect(signIn.getByRole('heading', { name: 'Sign in to Ledgerline' })).toBeVisible();
  await signIn.waitForLoadState('networkidle');
  await signedOut.close();

  // Socket.IO goes straight to a WebSocket (lib/live/client.ts), which connect-src must allow.
  const socket = page.waitForEvent('websocket', (ws) => ws.url().includes('/socket.io/'));
  await page.goto('/orders');
  await expect(page.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();
  await (await socket).waitForEvent('framereceived');

  // placeOrder visits /orders/new, uses its scripts, and lands on the order's page.
  const orderId = await placeOrder(page);
  await page.waitForLoadState('networkidle');
  for (const path of [
    `/orders/${orderId}/audit`,
    '/dashboard',
    `/dashboard?at=${encodeURIComponent(new Date().toISOString())}`,
    '/no-such-page',
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');
  }
});

test.describe('framing', () => {
  // The browser reports the refusal itself as a violation, in the framing page.
  test.use({ expectedViolations: [/frame-ancestors|X-Frame-Options/] });

  test('a page of another origin cannot frame a signed-in order page', async ({ page, baseURL }) => {
    const orderId = await placeOrder(page);
    const target = new URL(`/orders/${orderId}`, baseURL).href;
    // Another port of the same host: another origin, yet the same site, so the session cookie goes along.
    const framer = await serveForeignPage(
      () =>
        `<!doctype html><title>framer</title>` +
        `<iframe src="${target}" width="900" height="700" onload="document.title = 'frame loaded'"></iframe>`,
    );
    try {
      const refused = page.waitForEvent('console', {
        predicate: (message) => /frame-ancestors/.test(message.text()),
        timeout: 10_000,
      });
      await page.goto(`${framer.url}/`);
      await expect(page).toHaveTitle('frame loaded');
      // The frame holds the browser's error page, never the order page (whose buttons a click-jacker would aim at).
      const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
      expect(frame, 'the iframe').toBeTruthy();
      expect(frame!.url()).not.toBe(target);
      await refused;
    } finally {
      await framer.close();
    }
  });
});
