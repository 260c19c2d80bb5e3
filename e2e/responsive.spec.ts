import { expect } from '@playwright/test';
import { expectNoHorizontalScroll, fillOrderForm, placeOrder, screenshot, test } from './helpers';

// A phone-sized viewport: nothing may overflow sideways, and every page is kept as a screenshot.
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test('every page fits a phone screen', async ({ page }) => {
  const orderId = await placeOrder(page);
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'mobile-order');

  await page.getByRole('button', { name: 'Adjust price…' }).click();
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'mobile-order-adjust');

  await page.goto('/orders');
  await expect(page.locator(`a[href="/orders/${orderId}"]`)).toBeVisible();
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'mobile-orders');

  await page.goto('/orders/new');
  await fillOrderForm(page);
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'mobile-new-order');

  await page.goto(`/orders/${orderId}/audit`);
  await expect(page.getByTestId('audit-entry')).toHaveCount(1);
  await expect(page.getByTestId('audit-verify')).toHaveAttribute('data-ok', 'true');
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'mobile-audit');
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the sign-in page fits a phone screen', async ({ page }) => {
    await page.goto('/dashboard');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fdashboard$/);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    // The e2e server is started with LEDGERLINE_DEMO_PASSWORD, and the page says where the password comes from.
    await expect(page.getByText('LEDGERLINE_DEMO_PASSWORD', { exact: true })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'mobile-sign-in');
  });
});
