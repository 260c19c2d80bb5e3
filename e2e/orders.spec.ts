import { expect } from '@playwright/test';
import {
  ADDRESS,
  CUSTOMER,
  fillAddress,
  fillOrderForm,
  LINES,
  newestOrderOf,
  ORDER_URL,
  placeOrder,
  screenshot,
  test,
  TOTAL,
} from './helpers';

test('placing an order through the form lands on its page, placed, with the right total', async ({ page }) => {
  await page.goto('/orders/new');
  await expect(page.getByRole('heading', { name: 'New order', level: 1 })).toBeVisible();
  await screenshot(page, 'new-order-empty');

  await fillOrderForm(page);
  await expect(page.getByText(`Selected: ${CUSTOMER}`)).toBeVisible();
  // The form's own running total, before anything is sent.
  await expect(page.getByTestId('order-total')).toHaveText(TOTAL);
  await expect(page.getByText('5 items')).toBeVisible();
  await screenshot(page, 'new-order-filled');

  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(ORDER_URL);
  await expect(page.getByTestId('order-status')).toHaveText('Placed');
  await expect(page.getByTestId('order-total')).toHaveText(TOTAL);
  await expect(page.getByTestId('order-version')).toHaveText('Version 1');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Order #[0-9a-f]{8}$/);
  for (const line of LINES) await expect(page.getByRole('cell', { name: line.name })).toBeVisible();
  await expect(page.getByTestId('shipping-address')).toContainText(ADDRESS.line1);
  await expect(page.getByTestId('history-event')).toHaveCount(1);
  await expect(page.getByTestId('history-event').first()).toContainText('OrderPlaced');
  await screenshot(page, 'order-placed');

  // The new order heads the list.
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page).toHaveURL(/\/orders$/);
  const first = page.getByRole('table', { name: 'Orders' }).getByTestId('order-row').first();
  await expect(first).toContainText(CUSTOMER);
  await expect(first).toContainText(TOTAL);
  await screenshot(page, 'orders');
});

test('an order goes through address change, price adjustment and cancellation', async ({ page }) => {
  await placeOrder(page);

  await page.getByRole('button', { name: 'Change address…' }).click();
  const addressForm = page.getByRole('form', { name: 'Change shipping address' });
  await fillAddress(addressForm, { line1: '48 Canal Road', city: 'Utrecht', postalCode: '3511 CD' });
  await screenshot(page, 'order-change-address');
  await addressForm.getByRole('button', { name: 'Save address' }).click();
  await expect(page.getByTestId('order-version')).toHaveText('Version 2');
  await expect(page.getByTestId('shipping-address')).toContainText('48 Canal Road');
  await expect(page.getByTestId('shipping-address')).toContainText('3511 CD Utrecht');
  await expect(page.getByRole('status')).toHaveText('The shipping address was updated.');

  await page.getByRole('button', { name: 'Adjust price…' }).click();
  const adjustForm = page.getByRole('form', { name: 'Adjust price' });
  await adjustForm.getByLabel('Amount (EUR)').fill('-10.00');
  await adjustForm.getByLabel('Reason').fill('Loyalty discount');
  await expect(adjustForm.getByText('New total: €126.94')).toBeVisible();
  await adjustForm.getByRole('button', { name: 'Apply adjustment' }).click();
  await expect(page.getByTestId('order-version')).toHaveText('Version 3');
  await expect(page.getByTestId('order-total')).toHaveText('€126.94');
  await expect(page.getByTestId('adjustment')).toContainText('Adjustment: Loyalty discount');
  await expect(page.getByTestId('adjustment')).toContainText('-€10.00');

  await page.getByRole('button', { name: 'Cancel order…' }).click();
  const cancelForm = page.getByRole('form', { name: 'Cancel order' });
  await cancelForm.getByLabel('Reason for cancelling').fill('Customer changed their mind');
  // The code is chosen, never assumed: without one the server names the field and nothing changes.
  await cancelForm.getByRole('button', { name: 'Confirm cancellation' }).click();
  await expect(cancelForm.locator('#cancel-reason-code-error')).toContainText('Choose why the order is cancelled');
  await expect(page.getByTestId('order-version')).toHaveText('Version 3');
  await cancelForm.getByLabel('Reason code').selectOption('customer_request');
  await cancelForm.getByRole('button', { name: 'Confirm cancellation' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Cancelled');
  await expect(page.getByTestId('cancel-reason-code')).toHaveText('Customer request');
  await expect(page.getByTestId('order-version')).toHaveText('Version 4');
  await expect(page.getByText('Reason: Customer changed their mind').first()).toBeVisible();
  // Nothing applies any more: no buttons, one reason.
  for (const name of ['Ship order', 'Cancel order…', 'Change address…', 'Adjust price…']) {
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  }
  await expect(page.getByTestId('actions-reason')).toHaveText(
    'This order is cancelled: nothing more can be done with it.',
  );

  const history = page.getByTestId('history-event');
  await expect(history).toHaveCount(4);
  for (const [index, type] of [
    'OrderPlaced',
    'ShippingAddressChanged',
    'OrderPriceAdjusted',
    'OrderCancelled',
  ].entries()) {
    await expect(history.nth(index)).toContainText(type);
    await expect(history.nth(index)).toContainText(/Hash [0-9a-f]{12}/);
  }
  await screenshot(page, 'order-cancelled');
});

test('shipping asks for confirmation, and a shipped order can no longer be cancelled or re-addressed', async ({
  page,
}) => {
  await placeOrder(page);
  // Irreversible, so asked twice: the dialog has the focus on the safe choice, and "Not yet" changes nothing.
  await page.getByRole('button', { name: 'Ship order' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ship this order?' });
  await expect(dialog).toContainText('This cannot be undone.');
  await expect(dialog.getByRole('button', { name: 'Not yet' })).toBeFocused();
  await screenshot(page, 'order-ship-confirm');
  await dialog.getByRole('button', { name: 'Not yet' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Ship order' })).toBeFocused();
  await expect(page.getByTestId('order-version')).toHaveText('Version 1');
  // Escape closes it too.
  await page.getByRole('button', { name: 'Ship order' }).click();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('order-status')).toHaveText('Placed');

  await page.getByRole('button', { name: 'Ship order' }).click();
  await dialog.getByRole('button', { name: 'Confirm shipment' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Shipped');
  await expect(page.getByTestId('order-version')).toHaveText('Version 2');
  await expect(page.getByRole('button', { name: 'Ship order' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel order…' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Change address…' })).toHaveCount(0);
  await expect(page.getByTestId('actions-reason')).toHaveText(
    'This order has shipped: its address is final and it can no longer be cancelled.',
  );
  // Corrections to the price stay possible after shipping.
  await expect(page.getByRole('button', { name: 'Adjust price…' })).toBeEnabled();
  await screenshot(page, 'order-shipped');
});

test('acting on a stale page is refused with a clear message', async ({ page, context }) => {
  const orderId = await placeOrder(page);
  const stale = await context.newPage();
  await stale.goto(`/orders/${orderId}`);
  await expect(stale.getByTestId('order-version')).toHaveText('Version 1');

  await page.getByRole('button', { name: 'Cancel order…' }).click();
  await page.getByLabel('Reason code').selectOption('customer_request');
  await page.getByLabel('Reason for cancelling').fill('Duplicate order');
  await page.getByRole('button', { name: 'Confirm cancellation' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Cancelled');

  // The other tab still shows version 1 and a Ship button that looks usable.
  await stale.getByRole('button', { name: 'Ship order' }).click();
  await stale
    .getByRole('dialog', { name: 'Ship this order?' })
    .getByRole('button', { name: 'Confirm shipment' })
    .click();
  // Next.js's route announcer is an (empty) alert too, outside <main>.
  const alert = stale.getByRole('main').getByRole('alert');
  await expect(alert).toContainText('The order was not shipped');
  await expect(alert).toContainText(`Order ${orderId} is at version 2, not 1. Reload it and try again.`);
  await expect(stale.getByTestId('order-status')).toHaveText('Placed');
  await screenshot(stale, 'order-stale-conflict');

  await alert.getByRole('button', { name: 'Reload order' }).click();
  await expect(stale.getByTestId('order-status')).toHaveText('Cancelled');
  await expect(stale.getByRole('button', { name: 'Ship order' })).toHaveCount(0);
  await stale.close();
});

test('a rule violation is shown and changes nothing', async ({ page }) => {
  await placeOrder(page);
  await page.getByRole('button', { name: 'Adjust price…' }).click();
  const adjustForm = page.getByRole('form', { name: 'Adjust price' });
  await adjustForm.getByLabel('Amount (EUR)').fill('-1000');
  await adjustForm.getByLabel('Reason').fill('Typo');
  await adjustForm.getByRole('button', { name: 'Apply adjustment' }).click();
  const alert = adjustForm.getByRole('alert');
  await expect(alert).toContainText('The price was not adjusted');
  await expect(alert).toContainText('That would make the total negative: the largest possible discount is -€136.94.');
  await expect(page.getByTestId('order-total')).toHaveText(TOTAL);
  await expect(page.getByTestId('order-version')).toHaveText('Version 1');
  await screenshot(page, 'order-rule-violation');

  // Text that is not an amount never leaves the browser.
  await adjustForm.getByLabel('Amount (EUR)').fill('ten euros');
  await adjustForm.getByRole('button', { name: 'Apply adjustment' }).click();
  await expect(adjustForm.getByLabel('Amount (EUR)')).toHaveAccessibleDescription(
    'Enter an amount such as 12.50 or -12.50.',
  );
});

test('field errors are shown next to their fields and nothing is placed', async ({ page }) => {
  const newestBefore = await newestOrderOf(page.request);

  await page.goto('/orders/new');
  await fillOrderForm(page, { quantity: '0', address: { city: '' } });
  await page.getByRole('button', { name: 'Place order' }).click();

  const alert = page.getByRole('main').getByRole('alert');
  await expect(alert).toContainText('The order was not placed');
  await expect(alert).toContainText('2 fields need attention.');
  const quantity = page.getByLabel('Quantity for line 1');
  await expect(quantity).toHaveAttribute('aria-invalid', 'true');
  await expect(quantity).toHaveAccessibleDescription('Quantity must be at least 1.');
  const city = page.getByLabel('City', { exact: true });
  await expect(city).toHaveAttribute('aria-invalid', 'true');
  await expect(city).toHaveAccessibleDescription('City is required.');
  // The first field to fix takes the focus.
  await expect(quantity).toBeFocused();
  await expect(page).toHaveURL(/\/orders\/new$/);
  await screenshot(page, 'new-order-field-errors');

  // Editing a field clears its error.
  await quantity.fill('1');
  await expect(quantity).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Quantity must be at least 1.')).toHaveCount(0);

  expect(await newestOrderOf(page.request)).toBe(newestBefore);
});

test('a submit whose answer was lost is placed once when sent again', async ({ page }) => {
  await page.goto('/orders/new');
  await fillOrderForm(page);

  // The server handles the first submit, but its answer never reaches the browser.
  let placedId: string | undefined;
  await page.route('**/orders/new', async (route) => {
    if (route.request().method() !== 'POST' || placedId) return route.fallback();
    const response = await route.fetch();
    placedId = /"orderId":"([0-9a-f-]{36})"/.exec(await response.text())?.[1];
    await route.abort('connectionreset');
  });
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('The server could not be reached');
  expect(placedId).toMatch(/^[0-9a-f-]{36}$/);

  // Same form, same submission id: the server answers with the order it already placed.
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(ORDER_URL);
  expect(ORDER_URL.exec(page.url())?.[1]).toBe(placedId);
  await expect(page.getByTestId('order-version')).toHaveText('Version 1');
});

test('unknown and malformed order ids get the not-found page', async ({ page }) => {
  for (const id of ['not-an-order', '00000000-0000-4000-8000-000000000000']) {
    const response = await page.goto(`/orders/${id}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Order not found' })).toBeVisible();
  }
  await screenshot(page, 'order-not-found');

  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('the home page redirects to the orders list', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Orders', exact: true })).toHaveAttribute('aria-current', 'page');
});
