import { setTimeout as sleep } from 'node:timers/promises';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { FROM_OWN_PAGE } from './base-url';
import { authState } from './auth';
import {
  ADDRESS,
  customerRow,
  grouped,
  expectCustomerRow,
  expectNoHorizontalScroll,
  screenshot,
  test,
  watchConsole,
  type CustomerFigures,
} from './helpers';

// /dashboard?at=<ISO time>: the dashboard (key figures, chart and customer
// statistics) as of a past moment, recomputed from the event log. Orders go in through the JSON API around a
// moment T; the page must show T's figures, keep them while the present
// moves on, and return to the live figures.
//
// The browser runs in a zone with a half-hour offset and no daylight saving,
// so a local/UTC mix-up in the picker or the banner cannot pass by luck.
const TIME_ZONE = 'Asia/Kolkata';
const OFFSET_MS = 5.5 * 3_600_000;
test.use({ timezoneId: TIME_ZONE });

/** Seeded (lib/db/seed.ts); no other test orders for this customer, and no other name contains it. */
const CUSTOMER = 'Quentin Lopez';

type Figures = CustomerFigures;
type StatsRow = {
  customerId: string;
  name: string;
  totalOrders: number;
  totalSpent: number;
  cancelledOrders: number;
  cancelledAmount: number;
};

/** T as a datetime-local value in TIME_ZONE, to the second: "2026-03-01T14:30:05". */
const localInput = (date: Date) => new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 19);
/** What the banner prints beside the local time: "UTC 2026-03-01 09:00:05". */
const utcLabel = (date: Date) => `UTC ${date.toISOString().slice(0, 19).replace('T', ' ')}`;

/** The customer's figures from the API: live, or as of `at`. */
async function apiFigures(request: APIRequestContext, at?: Date): Promise<Figures> {
  const params = new URLSearchParams({ q: CUSTOMER });
  if (at) params.set('at', at.toISOString());
  const res = await request.get(`/api/stats/customers?${params}`);
  expect(res.status()).toBe(200);
  const { customers } = (await res.json()) as { customers: StatsRow[] };
  const row = customers.find((c) => c.name === CUSTOMER)!;
  return {
    orders: row.totalOrders,
    spent: row.totalSpent,
    cancelledOrders: row.cancelledOrders,
    cancelledAmount: row.cancelledAmount,
  };
}

async function placeOrder(request: APIRequestContext, customerId: string, sku: string, quantity: number) {
  const res = await request.post('/api/orders', {
    data: { customerId, items: [{ sku, quantity }], shippingAddress: { ...ADDRESS, name: CUSTOMER } },
    headers: FROM_OWN_PAGE,
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
}

/** The order metrics from the API as of `at` (GET /api/stats/metrics?at=). */
async function metricsAt(request: APIRequestContext, at: Date) {
  const res = await request.get(`/api/stats/metrics?minutes=60&at=${encodeURIComponent(at.toISOString())}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as {
    asOf: string;
    historic: true;
    statusCounts: { placed: number; shipped: number; cancelled: number };
    totals: { orders: number; revenue: number; cancelled: number };
  };
}

const banner = (page: Page) => page.getByRole('region', { name: 'Historic view' });
const keyFigures = (page: Page) => page.locator('dl[aria-label="Key figures"]');
const tile = (page: Page, label: string) =>
  keyFigures(page)
    .locator('> div')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
    .locator('dd')
    .first();
const atOf = (page: Page) => new URL(page.url()).searchParams.get('at');

test('the dashboard as of a past moment shows that moment’s figures, keeps them, and returns to live', async ({
  page,
}) => {
  const complaints = watchConsole(page, { expect400: true });
  const request = page.request;

  const { customers } = (await (await request.get('/api/customers')).json()) as {
    customers: { id: string; name: string }[];
  };
  const customerId = customers.find((c) => c.name === CUSTOMER)!.id;
  const { products } = (await (await request.get('/api/catalog')).json()) as {
    products: { sku: string; unitPrice: number }[];
  };
  const price = (sku: string) => products.find((p) => p.sku === sku)!.unitPrice;
  const first = price('SKU-0003') * 1;
  const second = price('SKU-0002') * 2;
  expect(first).not.toBe(second);

  // Whatever earlier runs left, from the log (no waiting for the projection).
  const before = new Date();
  const base = await apiFigures(request, before);
  const metricsBefore = await metricsAt(request, before);

  // One order, then T, then a second order. The server stamps each event with
  // the database's clock when its transaction starts, on this same machine:
  // a second either side keeps both orders clear of T.
  const firstOrderId = await placeOrder(request, customerId, 'SKU-0003', 1);
  await sleep(1_100);
  const T = new Date();
  await sleep(1_100);
  await placeOrder(request, customerId, 'SKU-0002', 2);

  const atT: Figures = { ...base, orders: base.orders + 1, spent: base.spent + first };
  expect(await apiFigures(request, T)).toEqual(atT);
  // The metrics as of T: one more order awaiting shipment than just before the first order.
  const metricsT = await metricsAt(request, T);
  expect(metricsT).toMatchObject({ asOf: T.toISOString(), historic: true });
  expect(metricsT.statusCounts.placed).toBe(metricsBefore.statusCounts.placed + 1);
  expect(metricsT.totals.orders).toBeGreaterThanOrEqual(1);

  // --- The historic view, opened from a link.
  await page.goto(`/dashboard?at=${T.toISOString()}`);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(banner(page)).toContainText('Dashboard as of');
  await expect(banner(page).locator(`time[datetime="${T.toISOString()}"]`)).toBeVisible();
  // Local time (India, +05:30) with the UTC time beside it.
  await expect(banner(page)).toContainText(localInput(T).slice(11, 19));
  await expect(banner(page)).toContainText(`(${utcLabel(T)})`);
  await expect(banner(page).getByLabel('Change the moment')).toHaveValue(localInput(T));
  // Key figures and the chart are of T too; live-only panels are not shown next to them.
  await expect(tile(page, 'Awaiting shipment')).toHaveText(grouped(metricsT.statusCounts.placed));
  await expect(keyFigures(page)).toContainText('open orders then');
  await expect(page.getByRole('region', { name: 'Orders and revenue per minute' })).toContainText(
    'Recomputed from the event log up to that moment',
  );
  await expect(page.getByRole('region', { name: 'Live events' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Projections' })).toHaveCount(0);

  await page.getByLabel('Search by name').fill(CUSTOMER);
  await expect(page.getByText('1 matching')).toBeVisible();
  // The search is in the link, beside the moment.
  await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(CUSTOMER);
  await expectCustomerRow(page, CUSTOMER, atT);
  await expect(page.getByRole('region', { name: 'Customers' })).toContainText('Historic · as of');
  await screenshot(page, 'dashboard-at-historic');

  // --- The present moves on (a cancellation, which live dashboards get as a push): the
  // historic table neither changes nor asks the server again.
  const historicRequests: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/stats/customers') && req.url().includes('at=')) historicRequests.push(req.url());
  });
  const cancel = await request.post(`/api/orders/${firstOrderId}/cancel`, {
    data: { reason: 'Dashboard-at e2e' },
    headers: FROM_OWN_PAGE,
  });
  expect(cancel.status()).toBe(200);
  const live: Figures = {
    orders: base.orders + 1,
    spent: base.spent + second,
    cancelledOrders: base.cancelledOrders + 1,
    cancelledAmount: base.cancelledAmount + first,
  };
  // The live projection has it (and has pushed it) …
  await expect.poll(() => apiFigures(request)).toEqual(live);
  await sleep(1_000);
  // … and the page still shows T, figures included.
  await expectCustomerRow(page, CUSTOMER, atT);
  await expect(tile(page, 'Awaiting shipment')).toHaveText(grouped(metricsT.statusCounts.placed));
  expect(historicRequests).toEqual([]);

  // --- Back to live: the later order and the cancellation, and the search kept.
  await page.getByRole('link', { name: 'Back to live' }).click();
  await expect(page).toHaveURL(/\/dashboard\?q=/);
  expect(atOf(page)).toBeNull();
  await expect(banner(page)).toHaveCount(0);
  await expect(keyFigures(page)).toBeVisible();
  await expect(page.getByLabel('Search by name')).toHaveValue(CUSTOMER);
  await expectCustomerRow(page, CUSTOMER, live);
  await screenshot(page, 'dashboard-at-back-to-live');

  // --- Back and Forward step between the moments.
  await page.goBack();
  await expect(banner(page)).toBeVisible();
  expect(atOf(page)).toBe(T.toISOString());
  await expectCustomerRow(page, CUSTOMER, atT);
  await page.goForward();
  await expect(banner(page)).toHaveCount(0);
  await expectCustomerRow(page, CUSTOMER, live);

  // --- Picking a moment: local wall-clock time in, UTC in the link.
  await page.getByLabel('The dashboard as of a past moment').fill(localInput(T));
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(banner(page)).toBeVisible();
  const wholeSecond = `${T.toISOString().slice(0, 19)}Z`;
  expect(atOf(page)).toBe(wholeSecond);
  await expect(banner(page).locator(`time[datetime="${new Date(wholeSecond).toISOString()}"]`)).toBeVisible();
  // T cut to its second is still after the first order and before the second.
  await expectCustomerRow(page, CUSTOMER, atT);

  // A quick pick (in the banner's "Change the moment", closed at first so that a phone shows the figures).
  await banner(page).locator('summary', { hasText: 'Change the moment' }).click();
  const clicked = Date.now();
  await page.getByRole('button', { name: '1 hour ago', exact: true }).click();
  await expect.poll(() => atOf(page)).not.toBe(wholeSecond);
  const hourAgo = Date.parse(atOf(page)!);
  expect(Math.abs(hourAgo - (clicked - 3_600_000))).toBeLessThan(10_000);
  await expect(banner(page).locator(`time[datetime="${new Date(hourAgo).toISOString()}"]`)).toBeVisible();
  await expect(customerRow(page, CUSTOMER)).toHaveCount(1);

  expect(complaints).toEqual([]);
});

test('a link with a moment the server cannot read says so and leads back to live', async ({ page }) => {
  const complaints = watchConsole(page, { expect400: true });
  await page.goto('/dashboard?at=yesterday');
  const alert = banner(page).getByRole('alert');
  await expect(alert).toContainText('This moment cannot be shown');
  await expect(alert).toContainText('yesterday');
  // The API's own words (400 VALIDATION, fields.at).
  await expect(alert).toContainText('must be an ISO 8601 date and time with a time zone');
  await expect(page.getByRole('table', { name: /^Customers sorted by/ })).toHaveCount(0);
  await screenshot(page, 'dashboard-at-invalid');

  await banner(page).getByRole('link', { name: 'Back to live' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(keyFigures(page)).toBeVisible();
  expect(complaints).toEqual([]);
});

test('the historic dashboard fits a phone screen', async ({ browser }) => {
  const phone = await browser.newContext({
    storageState: authState('operator'),
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    timezoneId: TIME_ZONE,
  });
  const page = await phone.newPage();
  const complaints = watchConsole(page, { expect400: true });
  const at = new Date(Date.now() - 60_000);
  await page.goto(`/dashboard?at=${at.toISOString()}`);
  await expect(banner(page)).toContainText(`(${utcLabel(at)})`);
  await expect(page.getByRole('table', { name: /^Customers sorted by/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to live' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'dashboard-at-phone');
  expect(complaints).toEqual([]);
  await phone.close();
});
