import { expect, test } from '@playwright/test';
import { fillOrderForm, placeOrder, screenshot } from './helpers';

// A phone-sized viewport: nothing may overflow sideways, and every page is kept as a screenshot.
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

async function expectNoHorizontalScroll(page: import('@playwright/test').Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

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
});
