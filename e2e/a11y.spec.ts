import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { authState } from './auth';
import { FROM_OWN_PAGE } from './base-url';
import { ADDRESS, test } from './helpers';

// axe-core on every page, at desktop and phone size, in the light and the dark
// theme (the app follows prefers-color-scheme): zero violations, or the test
// fails with the list. One test per size and theme visits every page, so the
// suite opens four contexts rather than thirty-two. Each page is also kept as a
// screenshot (under e2e/artifacts/screens/a11y, attached to the report).
//
// Pages are listed one by one below, each with what it waits for before the
// scan: when a page changes, adjust its entry.

const SIZES = {
  desktop: { viewport: { width: 1440, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} as const;
const THEMES = ['light', 'dark'] as const;

/** A page to scan: where it is, and what shows that it has finished loading. */
type Visit = { name: string; url: (ctx: { orderId: string }) => string; ready: (page: Page) => Promise<void> };

const heading = (page: Page, name: string | RegExp) =>
  expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

const SIGNED_IN_PAGES: Visit[] = [
  {
    name: 'orders',
    url: () => '/orders',
    ready: async (page) => {
      await heading(page, 'Orders');
      await expect(page.locator('a[href^="/orders/"]').first()).toBeVisible();
    },
  },
  {
    name: 'order',
    url: ({ orderId }) => `/orders/${orderId}`,
    ready: async (page) => {
      await expect(page.getByTestId('order-status')).toBeVisible();
    },
  },
  {
    name: 'audit',
    url: ({ orderId }) => `/orders/${orderId}/audit`,
    ready: async (page) => {
      await expect(page.getByTestId('audit-entry').first()).toBeVisible();
      await expect(page.getByTestId('audit-verify')).toHaveAttribute('data-ok', 'true');
    },
  },
  {
    name: 'dashboard',
    url: () => '/dashboard',
    ready: async (page) => {
      await heading(page, 'Dashboard');
      await expect(page.getByRole('table', { name: /^Customers sorted by/ })).toBeVisible();
      await expect(page.getByRole('list', { name: 'Recent order events' })).toBeVisible();
      await expect(page.locator('dl[aria-label="Key figures"]')).toHaveAttribute('aria-busy', 'false');
    },
  },
  {
    name: 'dashboard-at',
    // An hour ago: the historic view with its banner, figures, chart and table.
    url: () => `/dashboard?at=${new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    ready: async (page) => {
      await expect(page.getByRole('region', { name: 'Historic view' })).toBeVisible();
      await expect(page.getByRole('table', { name: /^Customers sorted by/ })).toBeVisible();
      await expect(page.locator('dl[aria-label="Key figures"]')).toHaveAttribute('aria-busy', 'false');
    },
  },
  {
    name: 'projections',
    url: () => '/projections',
    ready: async (page) => {
      await heading(page, 'Projections');
      await expect(page.getByRole('region').first()).toBeVisible();
    },
  },
  {
    name: 'not-found',
    url: () => '/orders/00000000-0000-4000-8000-000000000000',
    ready: async (page) => {
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    },
  },
];

const SIGN_IN: Visit = {
  name: 'sign-in',
  url: () => '/sign-in',
  ready: async (page) => {
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  },
};

/** Scans the page; returns one line per violation and node, for a failure message people can act on. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    // Off by default as "experimental"; the review found twenty of these on the feed's links.
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  return results.violations.flatMap((v) =>
    v.nodes.map(
      (node) => `${v.id} (${v.impact}): ${node.target.join(' ')} — ${node.failureSummary?.split('\n')[1] ?? v.help}`,
    ),
  );
}

async function scan(page: Page, visit: Visit, label: string, testInfo: TestInfo, ctx: { orderId: string }) {
  await page.goto(visit.url(ctx));
  await visit.ready(page);
  // Times switch to local after hydration, charts draw after their data: let the page settle.
  await page.waitForLoadState('networkidle');
  const name = `${visit.name}-${label}`;
  // One capture, kept beside the other screens and attached to the report.
  const path = `e2e/artifacts/screens/a11y/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  return (await violations(page)).map((line) => `${visit.name}: ${line}`);
}

let orderId: string;

test.beforeAll(async ({ playwright }) => {
  // One order of our own, so the order and audit pages have something to show.
  const request = await playwright.request.newContext({
    baseURL: test.info().project.use.baseURL,
    storageState: authState('operator'),
  });
  const { customers } = await (await request.get('/api/customers')).json();
  const res = await request.post('/api/orders', {
    data: { customerId: customers[3].id, items: [{ sku: 'SKU-0002', quantity: 2 }], shippingAddress: ADDRESS },
    headers: FROM_OWN_PAGE,
  });
  expect(res.status()).toBe(201);
  ({ orderId } = await res.json());
  await request.dispose();
});

for (const [size, options] of Object.entries(SIZES)) {
  for (const colorScheme of THEMES) {
    test.describe(`${size}, ${colorScheme}`, () => {
      test.use({ ...options, colorScheme });

      test(`no axe violations on any page (${size}, ${colorScheme})`, async ({ page, browser }, testInfo) => {
        // Eight pages, each loaded, scanned and captured twice, on a shared machine.
        test.setTimeout(180_000);
        const label = `${size}-${colorScheme}`;
        const found: string[] = [];
        for (const visit of SIGNED_IN_PAGES) found.push(...(await scan(page, visit, label, testInfo, { orderId })));

        const signedOut = await browser.newContext({
          ...options,
          colorScheme,
          storageState: { cookies: [], origins: [] },
        });
        found.push(...(await scan(await signedOut.newPage(), SIGN_IN, label, testInfo, { orderId })));
        await signedOut.close();

        expect(found, `axe violations (${label})`).toEqual([]);
      });
    });
  }
}
