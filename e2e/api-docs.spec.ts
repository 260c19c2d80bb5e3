import { expect } from '@playwright/test';
import { BASE_URL } from './base-url';
import { expectNoHorizontalScroll, screenshot, test } from './helpers';

// /api-docs: the interactive reference of /api/openapi.json, bundled (no
// request leaves the origin), under the page policy (the `test` of ./helpers
// fails on any violation), and "Try it out" runs with the session cookie.

test('the header leads to the API reference, which lists the operations and runs one with the session', async ({
  page,
}) => {
  const foreign: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(BASE_URL) && !request.url().startsWith('data:')) foreign.push(request.url());
  });
  await page.goto('/orders');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API' }).click();
  await expect(page).toHaveURL(/\/api-docs$/);
  await expect(page.getByRole('heading', { name: 'API reference', level: 1 })).toBeVisible();

  const feed = page.locator('#operations-Event_feed-getEvents');
  // The reference's bundle is large, and it fetches and resolves the document before it draws.
  await expect(feed).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('#operations-Event_feed-getEventsStream')).toBeVisible();
  await expect(page.locator('#operations-Operations-getOpenapiJson')).toBeVisible();
  await screenshot(page, 'api-docs');

  await feed.locator('.opblock-summary').click();
  await feed.getByRole('button', { name: 'Try it out' }).click();
  await feed.locator('input[placeholder^="limit"]').fill('2');
  await feed.getByRole('button', { name: 'Execute' }).click();
  const response = feed.locator('.live-responses-table .response').first();
  await expect(response.locator('.response-col_status')).toHaveText('200');
  await expect(response.locator('.microlight').first()).toContainText('"next"');
  expect(foreign).toEqual([]);
});

test('the reference fits a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/api-docs');
  await expect(page.locator('#operations-Event_feed-getEvents')).toBeVisible({ timeout: 30_000 });
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'api-docs-phone');
});
