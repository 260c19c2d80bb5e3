import { expect } from '@playwright/test';
import { DEMO_PASSWORD } from './auth';
import { CUSTOMER, fillOrderForm, ORDER_URL, test } from './helpers';

// No surprises when the session or the network goes away: the page says so,
// keeps what was typed, and never sends a command later without telling anyone.

test('an ended session says so and signs in again in place, keeping the form', async ({ page }) => {
  await page.goto('/orders/new');
  await fillOrderForm(page);
  // Signed out elsewhere (another tab's sign-out deletes the same cookie).
  await page.context().clearCookies();
  await page.getByRole('button', { name: 'Place order' }).click();

  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await expect(dialog).toBeVisible();
  await expect(page).toHaveURL(/\/orders\/new$/);
  await page.screenshot({ path: 'e2e/artifacts/screens/session-ended-dialog.png', fullPage: true });
  await dialog.getByLabel('Username').fill('operator');
  await dialog.getByLabel('Password').fill(DEMO_PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in again' }).click();
  await expect(dialog).toBeHidden();

  // What was typed is still there, and sending it again works.
  await expect(page.getByRole('combobox', { name: 'Customer' })).toHaveValue(CUSTOMER);
  await expect(page.getByLabel('Quantity for line 2')).toHaveValue('3');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(ORDER_URL);
});

test('offline: a banner says so, and a command is refused at once instead of queued', async ({ page, context }) => {
  await page.goto('/orders/new');
  await fillOrderForm(page);
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toHaveCount(0);

  await context.setOffline(true);
  await expect(banner).toHaveAttribute('data-state', 'offline');
  await expect(banner).toContainText('You are offline');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'nothing was sent' })).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/screens/offline-banner.png', fullPage: true });

  // Back online: nothing was sent meanwhile, and the same form goes through when sent again.
  await context.setOffline(false);
  await expect(page.locator('[data-testid="connection-banner"][data-state="offline"]')).toHaveCount(0);
  await expect(page).toHaveURL(/\/orders\/new$/);
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(ORDER_URL);
});

test('the live socket dropping shows a reconnecting notice on the dashboard', async ({ page, context }) => {
  await page.goto('/dashboard');
  await expect(page.getByRole('list', { name: 'Recent order events' })).toBeVisible();
  const banner = page.getByTestId('connection-banner');
  await context.setOffline(true);
  await expect(banner).toHaveAttribute('data-state', 'offline');
  await context.setOffline(false);
  // The socket comes back by itself; the notice goes with it.
  await expect(banner).toHaveCount(0, { timeout: 20_000 });
});
