import { expect, type Page, type Route } from '@playwright/test';
import { FROM_OWN_PAGE } from './base-url';
import { ADDRESS, CUSTOMER, fillAddress, LINES, ordersListReady, screenshot, test, TOTAL } from './helpers';
import { authState } from './auth';

// The /orders list is kept live in the browser: a placed order shows at once
// as pending, turns confirmed when the order_summaries projection has caught
// up, and other tabs see it arrive without a reload.

const rows = (page: Page) => page.getByRole('table', { name: 'Orders' }).getByTestId('order-row');
const rowOf = (page: Page, orderId: string) => page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);

/** Holds the answers to server actions posted from /orders until `release()`, so the pending state can be seen. */
async function holdActions(page: Page) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const answered: Promise<void>[] = [];
  const pattern = /\/orders$/;
  const handler = async (route: Route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    const done = (async () => {
      const response = await route.fetch();
      await gate;
      await route.fulfill({ response });
    })();
    answered.push(done);
    await done;
  };
  await page.route(pattern, handler);
  return {
    release: async () => {
      release();
      await Promise.all(answered);
      await page.unroute(pattern, handler);
    },
  };
}

test('orders placed and cancelled from the list show at once, confirm live, and reach other tabs', async ({
  page,
  browser,
}) => {
  const otherContext = await browser.newContext({ storageState: authState('operator') });
  const other = await otherContext.newPage();
  await other.goto('/orders');
  await expect(other.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();
  // Set in the page: gone if the page reloads.
  await other.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

  await page.goto('/orders');
  await ordersListReady(page);
  await page.getByText('Place an order', { exact: true }).click();
  const form = page.getByRole('form', { name: 'Place an order' });
  // The catalog has loaded: the product picker resolves a SKU.
  await expect(form.getByLabel('Product for line 1')).toHaveAttribute('list', /.+/);
  await expect(form.locator('datalist option').first()).toBeAttached();
  await screenshot(page, 'orders-live-list');

  // A rejected command leaves nothing behind in the list.
  const before = await rows(page).count();
  await form.getByRole('button', { name: 'Place order' }).click();
  await expect(form.getByRole('alert')).toContainText('The order was not placed');
  await expect(page.getByTestId('order-sync')).toHaveCount(0);
  expect(await rows(page).count()).toBe(before);
  await screenshot(page, 'orders-live-place-rejected');

  await form.getByRole('combobox', { name: 'Customer', exact: true }).fill(CUSTOMER);
  for (const [index, line] of LINES.entries()) {
    if (index > 0) await form.getByRole('button', { name: 'Add line' }).click();
    await form.getByLabel(`Product for line ${index + 1}`).fill(line.sku);
    await form.getByLabel(`Quantity for line ${index + 1}`).fill(String(line.quantity));
  }
  await fillAddress(form, ADDRESS);

  const held = await holdActions(page);
  await form.getByRole('button', { name: 'Place order' }).click();
  const first = rows(page).first();
  await expect(first).toContainText(CUSTOMER);
  await expect(first).toContainText(TOTAL);
  await expect(first.getByTestId('order-sync')).toHaveText('Pending');
  await screenshot(page, 'orders-live-pending');
  await held.release();

  await expect(first.getByTestId('order-sync')).toHaveText('Confirmed');
  const orderId = (await first.getAttribute('data-order-id'))!;
  expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
  const row = rowOf(page, orderId);
  await expect(row.getByTestId('order-status')).toHaveText('Placed');
  await expect(row.getByRole('link', { name: /, order #/ })).toHaveAttribute('href', `/orders/${orderId}`);
  // The row's other actions sit in its menu.
  await row.getByRole('button', { name: /^Actions for order/ }).click();
  await expect(page.getByRole('menuitem', { name: 'Audit timeline' })).toHaveAttribute(
    'href',
    `/orders/${orderId}/audit`,
  );
  await expect(page.getByRole('menuitem', { name: 'Open order' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(row.getByRole('button', { name: /^Actions for order/ })).toBeFocused();
  await screenshot(page, 'orders-live-confirmed');

  // The other tab: no reload, the order arrives by push.
  const otherRow = rowOf(other, orderId);
  await expect(otherRow).toContainText(CUSTOMER);
  await expect(otherRow.getByTestId('order-status')).toHaveText('Placed');
  expect(await other.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  await screenshot(other, 'orders-live-other-tab');

  // Cancel from the row.
  await row.getByRole('button', { name: /^Actions for order/ }).click();
  await page.getByRole('menuitem', { name: 'Cancel order…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this order?' });
  await expect(dialog).toContainText('cannot be undone');
  await dialog.getByLabel('Reason code').selectOption('customer_request');
  await dialog.getByLabel('Reason for cancelling').fill('Customer changed their mind');
  const heldCancel = await holdActions(page);
  await dialog.getByRole('button', { name: 'Confirm cancel' }).click();
  await expect(row.getByTestId('order-status')).toHaveText('Cancelled (pending)');
  await screenshot(page, 'orders-live-cancel-pending');
  await heldCancel.release();
  await expect(row.getByTestId('order-status')).toHaveText('Cancelled');
  await expect(row.getByTestId('order-sync')).toHaveText('Confirmed');
  await expect(otherRow.getByTestId('order-status')).toHaveText('Cancelled');
  await screenshot(page, 'orders-live-cancelled');

  await otherContext.close();
});

test('a cancel the server refuses rolls the row back and says why', async ({ page, browser }) => {
  const { customers } = (await (await page.request.get('/api/customers')).json()) as {
    customers: { id: string; name: string }[];
  };
  const customer = customers.find((c) => c.name === CUSTOMER)!;
  const placed = await page.request.post('/api/orders', {
    data: {
      customerId: customer.id,
      items: [{ sku: LINES[0].sku, quantity: 1 }],
      shippingAddress: ADDRESS,
    },
    headers: FROM_OWN_PAGE,
  });
  expect(placed.status()).toBe(201);
  const { orderId } = (await placed.json()) as { orderId: string };

  await page.goto('/orders');
  await ordersListReady(page);
  const row = rowOf(page, orderId);
  await expect(row.getByTestId('order-status')).toHaveText('Placed');

  // From now on the tab only ever reads the list as it is before shipping, so
  // it goes on offering to cancel an order that has shipped meanwhile.
  const before = await (await page.request.get('/api/orders?limit=20')).text();
  await page.route(/\/api\/orders\?/, (route) => route.fulfill({ body: before, contentType: 'application/json' }));

  const shipped = await page.request.post(`/api/orders/${orderId}/ship`, { data: {}, headers: FROM_OWN_PAGE });
  expect(shipped.ok()).toBe(true);

  await row.getByRole('button', { name: /^Actions for order/ }).click();
  await page.getByRole('menuitem', { name: 'Cancel order…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this order?' });
  await dialog.getByLabel('Reason code').selectOption('customer_request');
  await dialog.getByLabel('Reason for cancelling').fill('Too late?');
  await dialog.getByRole('button', { name: 'Confirm cancel' }).click();
  const alert = row.getByRole('alert');
  await expect(alert).toContainText('Not cancelled:');
  await expect(alert).toContainText(/shipped|changed|version/i);
  await expect(row.getByTestId('order-status')).toHaveText('Placed');
  await screenshot(page, 'orders-live-cancel-rejected');

  // Once the tab reads the list again, the row shows what happened.
  await page.unroute(/\/api\/orders\?/);
  await page.reload();
  await ordersListReady(page);
  await expect(rowOf(page, orderId).getByTestId('order-status')).toHaveText('Shipped');

  // Older orders come a page at a time, and the page is in the address.
  const next = page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Next' });
  if (await next.isVisible()) {
    const firstOfPage1 = await rows(page).first().getAttribute('data-order-id');
    await next.click();
    await expect(page).toHaveURL(/[?&]cursor=/);
    await expect(rows(page).first()).not.toHaveAttribute('data-order-id', firstOfPage1!);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Previous' }).click();
    await expect(rows(page).first()).toHaveAttribute('data-order-id', firstOfPage1!);
  }

  // On a phone: nothing of the list or the form sticks out sideways.
  const phone = await browser.newContext({
    storageState: authState('operator'),
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const mobile = await phone.newPage();
  await mobile.goto('/orders');
  await ordersListReady(mobile);
  await mobile.getByText('Place an order', { exact: true }).click();
  await expect(mobile.getByRole('form', { name: 'Place an order' })).toBeVisible();
  const overflowing = await mobile.evaluate(() =>
    Array.from(document.querySelectorAll('main *'))
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 80)),
  );
  expect(overflowing).toEqual([]);
  await screenshot(mobile, 'orders-live-mobile');
  await phone.close();
});
