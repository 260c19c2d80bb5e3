import { expect, type Page } from '@playwright/test';
import { authState } from './auth';
import { FROM_OWN_PAGE } from './base-url';
import {
  ADDRESS,
  CUSTOMER,
  expectNoHorizontalScroll,
  LINES,
  newestOrderOf,
  ordersListReady,
  screenshot,
  test,
} from './helpers';

// The orders list as a data table: its search, filters, sort and page live
// in the address bar, so reload, back and a shared link keep them.

const table = (page: Page) => page.getByRole('table', { name: 'Orders' });
const rows = (page: Page) => table(page).getByTestId('order-row');

type Customer = { id: string; name: string };

/** Places an order for `customer` through the API and returns its id. */
async function placeFor(page: Page, customer: Customer) {
  const res = await page.request.post('/api/orders', {
    data: { customerId: customer.id, items: [{ sku: LINES[0].sku, quantity: 1 }], shippingAddress: ADDRESS },
    headers: FROM_OWN_PAGE,
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
}

test('search by part of a name, filter and sort are kept in the URL through reload and back', async ({ page }) => {
  const { customers } = (await (await page.request.get('/api/customers')).json()) as { customers: Customer[] };
  const customer = customers.find((c) => c.name === CUSTOMER)!;
  const orderId = await placeFor(page, customer);
  // Part of the name, in another case: "Grace Huang" → "RAC".
  const part = CUSTOMER.slice(1, 4).toUpperCase();

  await page.goto('/orders');
  await ordersListReady(page);
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByTestId('orders-total')).toHaveText(/^[\d,]+ orders?$/);

  await page.getByRole('searchbox', { name: 'Search' }).fill(part);
  await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(part);
  // Newest first: the order just placed heads the matches.
  await expect(rows(page).first()).toHaveAttribute('data-order-id', orderId);
  // Every row is a customer whose name holds the text.
  for (const name of await rows(page).getByRole('rowheader').getByRole('link').allTextContents()) {
    expect(name.toLowerCase()).toContain(part.toLowerCase());
  }

  await page.getByLabel('Status').selectOption('placed');
  await expect(page).toHaveURL(/[?&]status=placed/);
  // Sort by total, largest first; the header says so to a screen reader.
  await table(page).getByRole('button', { name: 'Total' }).click();
  await expect(page).toHaveURL(/[?&]sort=total&dir=desc/);
  await expect(table(page).getByRole('columnheader', { name: 'Total' })).toHaveAttribute('aria-sort', 'descending');
  await table(page).getByRole('button', { name: 'Total' }).click();
  await expect(page).toHaveURL(/[?&]sort=total&dir=asc/);
  await expect(table(page).getByRole('columnheader', { name: 'Total' })).toHaveAttribute('aria-sort', 'ascending');
  await expect(table(page).getByRole('columnheader', { name: 'Placed' })).not.toHaveAttribute('aria-sort');
  await screenshot(page, 'orders-table-filtered');

  const url = page.url();
  await page.reload();
  expect(page.url()).toBe(url);
  await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue(part);
  await expect(page.getByLabel('Status')).toHaveValue('placed');
  await expect(table(page).getByRole('columnheader', { name: 'Total' })).toHaveAttribute('aria-sort', 'ascending');
  const totals = (await rows(page).getByRole('cell', { name: /^€/ }).allTextContents()).map((t) =>
    Number(t.replace(/[€,]/g, '')),
  );
  expect(totals.length).toBeGreaterThan(0);
  expect(totals).toEqual([...totals].sort((a, b) => a - b));

  // Back undoes one step at a time: the sort, then the status.
  await page.goBack();
  await expect(page).toHaveURL(/[?&]dir=desc/);
  await expect(table(page).getByRole('columnheader', { name: 'Total' })).toHaveAttribute('aria-sort', 'descending');
  await page.goBack();
  await page.goBack();
  await expect(page).not.toHaveURL(/status=/);
  await expect(page.getByLabel('Status')).toHaveValue('');
  await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue(part);

  // A link with the state, opened afresh, shows the same list.
  await page.goto(url);
  await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue(part);
  await expect(table(page).getByRole('columnheader', { name: 'Total' })).toHaveAttribute('aria-sort', 'ascending');

  // An order id, or its start, finds the order.
  await page.goto(`/orders?q=${orderId.slice(0, 8)}`);
  await ordersListReady(page);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-order-id', orderId);
  await expect(page.getByTestId('orders-total')).toHaveText('1 order');

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/orders$/);
});

test('page size and keyset pages are in the URL; the table fits a phone', async ({ page, browser }) => {
  // More than a page of orders, whatever earlier tests left.
  const { customers } = (await (await page.request.get('/api/customers')).json()) as { customers: Customer[] };
  for (let i = 0; i < 11; i++) await placeFor(page, customers[i % customers.length]!);
  // The list has them all (the projection has caught up), so pages stay put while the test reads them.
  await newestOrderOf(page.request);
  await page.goto('/orders?size=10');
  await ordersListReady(page);
  await expect(rows(page)).toHaveCount(10);
  const first = await rows(page).first().getAttribute('data-order-id');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/[?&]cursor=/);
  await expect(rows(page).first()).not.toHaveAttribute('data-order-id', first!);
  const second = await rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-order-id')));
  await page.reload();
  expect(await rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-order-id')))).toEqual(second);
  await page.goBack();
  await ordersListReady(page);
  await expect(rows(page).first()).toHaveAttribute('data-order-id', first!);
  await expect(page.getByLabel('Rows per page')).toHaveValue('10');
  await screenshot(page, 'orders-table');

  const phone = await browser.newContext({
    storageState: authState('operator'),
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const mobile = await phone.newPage();
  await mobile.goto('/orders');
  await expect(rows(mobile).first()).toBeVisible();
  await expectNoHorizontalScroll(mobile);
  await screenshot(mobile, 'mobile-orders-table');
  await phone.close();
});
