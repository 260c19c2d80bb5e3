import { expect } from '@playwright/test';
import { FROM_OWN_PAGE } from './base-url';
import { authState, DEMO_PASSWORD, expectSignedInAs, signIn } from './auth';
import { placeOrder, screenshot, test } from './helpers';

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('every page leads to sign-in, which returns to the page after a correct password', async ({ page }) => {
    await page.goto('/dashboard');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fdashboard$/);
    await expect(page.getByRole('heading', { name: 'Sign in to Ledgerline' })).toBeVisible();
    // Nothing of the app shows before signing in.
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    await screenshot(page, 'sign-in');

    await signIn(page, 'clerk', 'not-the-password');
    await expect(page.getByRole('alert').filter({ hasText: 'Wrong username or password.' })).toBeVisible();
    await expect(page.getByLabel('Username')).toHaveValue('clerk');

    await signIn(page, 'clerk', DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/dashboard$/);
    await expectSignedInAs(page, 'Casey Clerk');
  });

  test('the API answers 401 without a session', async ({ request }) => {
    const res = await request.get('/api/orders');
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe('UNAUTHENTICATED');
    expect((await request.get('/api/health')).status()).toBe(200);
  });
});

test('signing out ends the session', async ({ browser }) => {
  // A session of its own: signing out must not end the one other tests share.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await signIn(page, 'operator');
  await expectSignedInAs(page, 'Olivia Operator');
  const copied = (await context.cookies()).find((c) => c.name === 'll_session')!.value;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto('/orders');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Forders$/);
  expect((await page.request.get('/api/orders')).status()).toBe(401);
  // The session itself ended, not just the cookie: a copy taken before signing out is refused too.
  const replayed = await page.request.get('/api/auth/me', { headers: { cookie: `ll_session=${copied}` } });
  expect(replayed.status()).toBe(401);
  await context.close();
});

test('a viewer reads orders but cannot place or cancel them', async ({ page, browser }) => {
  const orderId = await placeOrder(page); // as the operator

  const context = await browser.newContext({ storageState: authState('viewer') });
  const viewer = await context.newPage();
  await viewer.goto('/orders');
  await expectSignedInAs(viewer, 'Victor Viewer');
  await expect(viewer.getByRole('link', { name: 'New order' })).toHaveCount(0);
  await expect(viewer.getByText('Place an order')).toHaveCount(0);

  await viewer.goto(`/orders/${orderId}`);
  await expect(viewer.getByTestId('order-status')).toHaveText('Placed');
  // No button to press: one sentence says why.
  await expect(viewer.getByRole('button', { name: 'Cancel order…' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Ship order' })).toHaveCount(0);
  await expect(viewer.getByText('Your role can read orders but not change them.').first()).toBeVisible();
  await screenshot(viewer, 'order-as-viewer');

  // The server refuses even when the button is bypassed.
  const res = await viewer.request.post(`/api/orders/${orderId}/cancel`, {
    data: { reason: 'Sneaky' },
    headers: FROM_OWN_PAGE,
  });
  expect(res.status()).toBe(403);
  await viewer.reload();
  await expect(viewer.getByTestId('order-status')).toHaveText('Placed');

  await viewer.goto('/orders/new');
  await expect(
    viewer.getByRole('alert').filter({ hasText: 'Viewers can read orders but not place them.' }),
  ).toBeVisible();
  await context.close();
});
