import { expect, type Page } from '@playwright/test';
import { FROM_OWN_PAGE } from './base-url';
import {
  ADDRESS,
  cancelOrderFromList,
  cents,
  customerRow,
  expectCustomerRow,
  expectNoHorizontalScroll,
  grouped,
  placeOrderFromList,
  readCustomerRow,
  screenshot,
  test,
  watchConsole,
} from './helpers';
import { authState } from './auth';
import { e2eDatabaseClient } from './database';

// The dashboard is a projection view: these tests change orders elsewhere
// (through the JSON API, or from /orders in another browser context) and
// watch the page follow without a reload.

function tile(page: Page, label: string) {
  return page
    .locator('dl[aria-label="Key figures"] > div')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
    .locator('dd')
    .first();
}

async function tileNumber(page: Page, label: string) {
  const value = tile(page, label);
  await expect(value).toHaveText(/^[\d,]+$/);
  return Number((await value.textContent())!.replaceAll(',', ''));
}

test('the dashboard follows orders placed and cancelled elsewhere, without a reload', async ({ page, request }) => {
  await page.goto('/dashboard');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const placedBefore = await tileNumber(page, 'Awaiting shipment');
  const cancelledBefore = await tileNumber(page, 'Cancelled orders');

  const { customers } = await (await request.get('/api/customers')).json();
  const res = await request.post('/api/orders', {
    data: { customerId: customers[5].id, items: [{ sku: 'SKU-0003', quantity: 1 }], shippingAddress: ADDRESS },
    headers: FROM_OWN_PAGE,
  });
  expect(res.status()).toBe(201);
  const { orderId } = await res.json();

  await expect(tile(page, 'Awaiting shipment')).toHaveText(grouped(placedBefore + 1));
  await expect(page.locator(`a[href^="/orders/${orderId}/audit"]`).first()).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/screens/dashboard-after-place.png', fullPage: true });

  const cancel = await request.post(`/api/orders/${orderId}/cancel`, {
    data: { reason: 'Dashboard e2e' },
    headers: FROM_OWN_PAGE,
  });
  expect(cancel.status()).toBe(200);
  await expect(tile(page, 'Awaiting shipment')).toHaveText(grouped(placedBefore));
  await expect(tile(page, 'Cancelled orders')).toHaveText(grouped(cancelledBefore + 1));
  await page.screenshot({ path: 'e2e/artifacts/screens/dashboard-after-cancel.png', fullPage: true });
});

// ---------------------------------------------------------------------------
// One customer's row, followed from a second browser.

/** Seeded (lib/db/seed.ts); no other test orders for this customer, and no other name contains it. */
const WATCHED = 'Tariq Lopez';

const chartPanel = (page: Page) => page.getByRole('region', { name: 'Orders and revenue per minute' });

const minuteTable = (page: Page) =>
  page.getByRole('table', { name: 'Orders and revenue per minute, minutes with activity only' });

/** Orders placed per minute, as the chart's data table lists them: ISO minute → count. */
async function placedPerMinute(page: Page): Promise<Map<string, number>> {
  const rows = minuteTable(page).getByTestId('minute-row');
  const out = new Map<string, number>();
  for (const row of await rows.all()) {
    const minute = await row.locator('time').getAttribute('datetime');
    const placed = await row.getByRole('cell').first().textContent();
    out.set(minute!, Number(placed!.replaceAll(',', '')));
  }
  return out;
}

test('a second browser on the dashboard sees one customer’s stats follow a place and a cancel, live', async ({
  page,
  browser,
}) => {
  // The watcher: the dashboard, narrowed to one customer with the search box.
  const watcherContext = await browser.newContext({
    storageState: authState('operator'),
    viewport: { width: 1440, height: 1000 },
  });
  const watcher = await watcherContext.newPage();
  // Hydration mismatches and recharts' sizing complaints arrive as console errors and warnings.
  const complaints = watchConsole(watcher);
  await watcher.goto('/dashboard');
  await expect(watcher.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await watcher.getByLabel('Search by name').fill(WATCHED);
  await expect(watcher.getByText('1 matching')).toBeVisible();
  await expect(customerRow(watcher, WATCHED)).toHaveCount(1);
  const before = await readCustomerRow(watcher, WATCHED);
  // Set in the page: gone if the page reloads.
  await watcher.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

  // The chart's minutes before: an earlier test may have placed orders this minute too.
  const minutesBefore = await placedPerMinute(watcher);

  // The clerk: another context, placing from /orders.
  await page.goto('/orders');
  const placedFrom = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const { orderId, total } = await placeOrderFromList(page, WATCHED, [
    { sku: 'SKU-0007', quantity: 2 },
    { sku: 'SKU-0011', quantity: 1 },
  ]);
  const amount = cents(total);
  expect(amount).toBeGreaterThan(0);
  await screenshot(page, 'dashboard-flow-clerk-placed');

  const afterPlace = { ...before, orders: before.orders + 1, spent: before.spent + amount };
  await expectCustomerRow(watcher, WATCHED, afterPlace);

  // The chart: an image with a summary, and a table with this minute's orders in it.
  const chart = watcher.getByRole('img', { name: /^Chart of orders placed \(bars\) and net revenue \(line\)/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
  await expect(chart.locator('.recharts-line-curve')).toHaveCount(1);
  await expect
    .poll(async () =>
      [...(await placedPerMinute(watcher))].some(
        ([minute, n]) => minute >= placedFrom && n === (minutesBefore.get(minute) ?? 0) + 1,
      ),
    )
    .toBe(true);
  await expect(watcher.locator(`a[href^="/orders/${orderId}/audit"]`).first()).toBeVisible();
  await screenshot(watcher, 'dashboard-flow-after-place');
  await chartPanel(watcher).screenshot({ path: 'e2e/artifacts/screens/dashboard-chart-laptop.png' });
  // The table on screen, for people.
  await watcher.getByRole('button', { name: 'Show table' }).click();
  await expect(minuteTable(watcher)).toBeVisible();
  await screenshot(watcher, 'dashboard-flow-chart-table');
  await watcher.getByRole('button', { name: 'Hide table' }).click();

  // Cancel in the clerk's context: the order leaves the totals and counts as cancelled.
  await cancelOrderFromList(page, orderId, 'Dashboard e2e: customer changed their mind');
  const afterCancel = {
    orders: before.orders,
    spent: before.spent,
    cancelledOrders: before.cancelledOrders + 1,
    cancelledAmount: before.cancelledAmount + amount,
  };
  await expectCustomerRow(watcher, WATCHED, afterCancel);
  expect(afterCancel.spent).toBe(afterPlace.spent - amount);
  await screenshot(watcher, 'dashboard-flow-after-cancel');

  expect(await watcher.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  expect(complaints).toEqual([]);
  await watcherContext.close();
});

test('the dashboard fits a phone screen', async ({ browser, request }) => {
  // Something to draw, whatever ran before.
  const { customers } = await (await request.get('/api/customers')).json();
  const placed = await request.post('/api/orders', {
    data: { customerId: customers[5].id, items: [{ sku: 'SKU-0002', quantity: 1 }], shippingAddress: ADDRESS },
    headers: FROM_OWN_PAGE,
  });
  expect(placed.status()).toBe(201);

  const phone = await browser.newContext({
    storageState: authState('operator'),
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await phone.newPage();
  await page.goto('/dashboard');
  await expect(page.getByRole('img', { name: /^Chart of orders placed/ }).locator('.recharts-surface')).toBeVisible();
  const table = page.getByRole('table', { name: /^Customers sorted by/ });
  await expect(table).toBeVisible();
  await expectNoHorizontalScroll(page);
  // The table itself fits too: no sideways scrolling inside it; the columns a
  // phone leaves out are repeated under each name, and their sort is a menu.
  expect(
    await table.evaluate((el) => el.parentElement!.scrollWidth - el.parentElement!.clientWidth),
  ).toBeLessThanOrEqual(0);
  await expect(table.getByRole('columnheader', { name: /Last order/ })).toBeHidden();
  await expect(table.getByTestId('customer-facts').first()).toBeVisible();
  await page.getByLabel('Sort by').selectOption({ label: 'Latest order' });
  await expect(page).toHaveURL(/[?&]sort=last(&|$)/);
  await expect(table.getByTestId('customer-facts').first()).toContainText(/^Last order /);
  await screenshot(page, 'dashboard-mobile');
  await chartPanel(page).screenshot({ path: 'e2e/artifacts/screens/dashboard-chart-phone.png' });
  await phone.close();
});

test('a transaction left open anywhere shows as holding the projections back, until it ends', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  await page.goto('/dashboard');
  const panel = page.getByRole('region', { name: 'Projections' });
  await expect(panel.getByText('Up to date').first()).toBeVisible();

  // A session that takes a transaction id and sits on it, as a forgotten psql would.
  const blocker = await e2eDatabaseClient();
  const { customers } = await (await request.get('/api/customers')).json();
  try {
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_current_xact_id()');
    const pid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const res = await request.post('/api/orders', {
      data: { customerId: customers[7].id, items: [{ sku: 'SKU-0004', quantity: 1 }], shippingAddress: ADDRESS },
      headers: FROM_OWN_PAGE,
    });
    expect(res.status()).toBe(201);

    // Committed, but no projection may read it yet: the panel says why and who (it polls every 5 s).
    await expect(panel.getByText('Held back').first()).toBeVisible({ timeout: 30_000 });
    await expect(panel).toContainText(
      new RegExp(
        `1 committed event has waited .+ behind a transaction that is still open \\(pid ${pid}, ledgerline-e2e`,
      ),
    );
    await screenshot(page, 'dashboard-held-back');
  } finally {
    await blocker.query('ROLLBACK');
    await blocker.end();
  }
  await expect(panel.getByText('Held back')).toHaveCount(0, { timeout: 30_000 });
});

test('cancellations by reason appear once order_metrics v2 serves, and go when v1 serves again, live', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const { customers } = await (await request.get('/api/customers')).json();
  const placed = await request.post('/api/orders', {
    data: { customerId: customers[6].id, items: [{ sku: 'SKU-0001', quantity: 1 }], shippingAddress: ADDRESS },
    headers: FROM_OWN_PAGE,
  });
  expect(placed.status()).toBe(201);
  const cancel = await request.post(`/api/orders/${(await placed.json()).orderId}/cancel`, {
    data: { reason: 'Reasons e2e', reasonCode: 'out_of_stock' },
    headers: FROM_OWN_PAGE,
  });
  expect(cancel.status()).toBe(200);
  const { position } = await cancel.json();
  // v2 builds in the background from the whole log: wait until it has this cancel.
  await expect
    .poll(async () => {
      const { projections } = await (await request.get('/api/projections')).json();
      type Overview = { name: string; versions: { version: number; position: string }[] };
      const v2 = (projections as Overview[])
        .find((p) => p.name === 'order_metrics')
        ?.versions.find((v) => v.version === 2);
      const [tx, n] = (v2?.position ?? '0:0').split(':').map(BigInt);
      const [wantTx, wantN] = (position as string).split(':').map(BigInt);
      return tx! > wantTx! || (tx === wantTx && n! >= wantN!);
    })
    .toBe(true);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/dashboard');
  const panel = page.getByRole('region', { name: 'Cancellations by reason' });
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(tile(page, 'Awaiting shipment')).toHaveText(/^[\d,]+$/);
  await expect(panel).toHaveCount(0);

  const db = await e2eDatabaseClient();
  const serve = async (version: number) => {
    await db.query(`UPDATE projection_serving SET version = $1, switched_at = now() WHERE name = 'order_metrics'`, [
      version,
    ]);
    await db.query(`SELECT pg_notify('ll_serving', 'order_metrics')`);
  };
  try {
    await serve(2);
    // No reload: the switch's push makes the page refetch from v2.
    await expect(panel).toBeVisible();
    await expect(panel.getByText('Out of stock')).toBeVisible();
    await expect(panel.getByText('Customer request')).toBeVisible();
    await page.screenshot({ path: '/tmp/dashboard-v2-1440.png', fullPage: true });
    await panel.screenshot({ path: '/tmp/dashboard-v2-panel-1440.png' });

    const phone = await browser.newContext({
      storageState: authState('operator'),
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const mobile = await phone.newPage();
    await mobile.goto('/dashboard');
    const mobilePanel = mobile.getByRole('region', { name: 'Cancellations by reason' });
    await expect(mobilePanel).toBeVisible();
    await expectNoHorizontalScroll(mobile);
    await mobile.screenshot({ path: '/tmp/dashboard-v2-390.png', fullPage: true });
    await mobilePanel.screenshot({ path: '/tmp/dashboard-v2-panel-390.png' });
    await phone.close();
  } finally {
    await serve(1);
    await db.end();
  }
  await expect(panel).toHaveCount(0);
});

test('the trend window is kept in the URL, through a reload, Back and a past moment', async ({ page }) => {
  await page.goto('/dashboard');
  const figures = page.locator('dl[aria-label="Key figures"]');
  const window = page.getByLabel('Window');
  await expect(window).toHaveValue('60');
  await window.selectOption({ label: '4 hours' });
  await expect(page).toHaveURL(/[?&]window=4h(&|$)/);
  await expect(figures).toContainText('in the last 4 hours');

  await page.reload();
  await expect(window).toHaveValue('240');
  await expect(figures).toContainText('in the last 4 hours');

  // A past moment keeps the window, and Back returns to live, then to the default hour.
  await page.getByRole('button', { name: '1 hour ago' }).click();
  await expect(page).toHaveURL(/[?&]at=/);
  expect(new URL(page.url()).searchParams.get('window')).toBe('4h');
  await expect(figures).toContainText('in the 4 hours to that moment');
  await page.goBack();
  await expect(page).not.toHaveURL(/[?&]at=/);
  await expect(window).toHaveValue('240');
  await page.goBack();
  await expect(window).toHaveValue('60');
  await expect(figures).toContainText('in the last hour');
  expect(new URL(page.url()).searchParams.has('window')).toBe(false);

  // A window the page does not offer is the default hour.
  await page.goto('/dashboard?window=7y');
  await expect(window).toHaveValue('60');
  await expect(figures).toContainText('in the last hour');
});

test('key figures read at a glance, and the customer table keeps sort, search and page in the URL', async ({
  page,
}) => {
  await page.goto('/dashboard');
  const revenue = tile(page, 'Net revenue');
  // Exact on hover and for screen readers; on screen too below €10,000, compact from there.
  await expect(revenue).toHaveAttribute('title', /^-?€[\d,]+\.\d{2}$/);
  const exact = (await revenue.locator('.sr-only').textContent())!;
  expect(exact).toMatch(/^-?€[\d,]+\.\d{2}$/);
  const shown = (await revenue.locator('[aria-hidden="true"]').textContent())!;
  if (Math.abs(Number(exact.replace(/[€,]/g, ''))) < 10_000) expect(shown).toBe(exact);
  else expect(shown).toMatch(/^-?€\d+(\.\d)?[KMB]$/i);
  // A trend against the previous window, or a word that there is nothing to compare with.
  await expect(page.locator('dl[aria-label="Key figures"]')).toContainText(
    /vs previous hour|none in the previous hour/,
  );

  const table = page.getByRole('table', { name: /^Customers sorted by/ });
  await expect(table).toBeVisible();
  // Sort by a column header: in the URL, and aria-sort on the header.
  await table.getByRole('button', { name: 'Customer' }).click();
  await expect(page).toHaveURL(/sort=name/);
  await expect(table.getByRole('columnheader', { name: /Customer/ })).toHaveAttribute('aria-sort', 'ascending');
  const names = await table.locator('tbody th').allTextContents();
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));

  await page.getByRole('navigation', { name: 'Customer pages' }).getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=2/);
  await page.getByLabel('Search by name').fill('Lopez');
  await expect(page).toHaveURL(/q=Lopez/);
  expect(new URL(page.url()).searchParams.get('page')).toBeNull();

  // A reload keeps all three.
  await page.reload();
  await expect(page.getByLabel('Search by name')).toHaveValue('Lopez');
  await expect(table.getByRole('columnheader', { name: /Customer/ })).toHaveAttribute('aria-sort', 'ascending');
  // Each name leads to that customer's orders.
  const first = table.locator('tbody th a').first();
  const name = (await first.textContent())!;
  await expect(first).toHaveAttribute('href', `/orders?q=${encodeURIComponent(name)}`);
  await page.screenshot({ path: 'e2e/artifacts/screens/dashboard-sorted-search.png', fullPage: true });
});
