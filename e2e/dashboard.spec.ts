import { expect, test, type Page } from '@playwright/test';
import { ADDRESS } from './helpers';

// The dashboard is a projection view: these tests change orders through the
// JSON API (another client, as far as the page knows) and watch the page
// follow without a reload.

const grouped = (n: number) => n.toLocaleString('en-US');

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
  const placedBefore = await tileNumber(page, 'Placed');
  const cancelledBefore = await tileNumber(page, 'Cancelled orders');

  const { customers } = await (await request.get('/api/customers')).json();
  const res = await request.post('/api/orders', {
    data: { customerId: customers[5].id, items: [{ sku: 'SKU-0003', quantity: 1 }], shippingAddress: ADDRESS },
  });
  expect(res.status()).toBe(201);
  const { orderId } = await res.json();

  await expect(tile(page, 'Placed')).toHaveText(grouped(placedBefore + 1));
  await expect(page.locator(`a[href="/orders/${orderId}"]`).first()).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/screens/dashboard-after-place.png', fullPage: true });

  const cancel = await request.post(`/api/orders/${orderId}/cancel`, { data: { reason: 'Dashboard e2e' } });
  expect(cancel.status()).toBe(200);
  await expect(tile(page, 'Placed')).toHaveText(grouped(placedBefore));
  await expect(tile(page, 'Cancelled orders')).toHaveText(
    grouped(cancelledBefore + 1),
  );
  await page.screenshot({ path: 'e2e/artifacts/screens/dashboard-after-cancel.png', fullPage: true });
});
