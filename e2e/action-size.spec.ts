import { expect, type Page } from '@playwright/test';
import { ACTION_BODY_LIMIT_BYTES } from '../lib/actions/body-limit';
import { fillOrderForm, newestOrderOf, test } from './helpers';

// A server action call whose body is over the limit gets a 413 that says so
// (Next.js alone answers a 500 that a browser cannot tell from a crash), and
// the form says so too.

/** The id of the new-order form's action, as the browser sends it: read off a real (rejected) submit. */
async function placeOrderActionId(page: Page): Promise<string> {
  await page.goto('/orders/new');
  const posted = page.waitForRequest((request) => request.method() === 'POST' && !!request.headers()['next-action']);
  await page.getByRole('button', { name: 'Place order' }).click();
  return (await posted).headers()['next-action']!;
}

/** The action's one argument, serialised as Next.js's client sends it, padded to exactly `bytes`. */
function actionBody(bytes: number): string {
  const body = (pad: string) => JSON.stringify([{ commandId: 'not-a-uuid', shippingAddress: { line1: pad } }]);
  return body('x'.repeat(bytes - body('').length));
}

test('a server action body over the limit answers 413 with a message; one at the limit reaches the action', async ({
  page,
  request,
  baseURL,
}) => {
  const actionId = await placeOrderActionId(page);
  const post = (data: string) =>
    request.post('/orders/new', {
      headers: {
        'Next-Action': actionId,
        'Content-Type': 'text/plain;charset=UTF-8',
        Accept: 'text/x-component',
        Origin: new URL(baseURL!).origin,
      },
      data,
    });

  const tooLarge = await post(actionBody(ACTION_BODY_LIMIT_BYTES + 1));
  expect(tooLarge.status()).toBe(413);
  // Exactly text/plain: Next.js's client then throws this text to the caller.
  expect(tooLarge.headers()['content-type']).toBe('text/plain');
  expect(await tooLarge.text()).toMatch(/^The request is too large: .*1 MB/);

  // At the limit the action runs and refuses the made-up command id itself.
  const atLimit = await post(actionBody(ACTION_BODY_LIMIT_BYTES));
  expect(atLimit.status()).toBe(200);
  expect(await atLimit.text()).toContain('"code":"VALIDATION"');

  // A form posted before hydration is multipart, with no Next-Action header.
  const form = await request.post('/sign-in', {
    headers: { Origin: new URL(baseURL!).origin },
    multipart: { username: 'x'.repeat(ACTION_BODY_LIMIT_BYTES), password: 'x' },
  });
  expect(form.status()).toBe(413);
  expect(await form.text()).toMatch(/^The request is too large/);
});

test('the form says the request is too large, and nothing is placed', async ({ page }) => {
  const newestBefore = await newestOrderOf(page.request);
  await page.goto('/orders/new');
  await fillOrderForm(page, { address: { line1: 'x'.repeat(ACTION_BODY_LIMIT_BYTES) } });
  await page.getByRole('button', { name: 'Place order' }).click();
  const alert = page.getByRole('main').getByRole('alert');
  await expect(alert).toContainText('The request is too large');
  await expect(alert).not.toContainText('could not be reached');
  await expect(page).toHaveURL(/\/orders\/new$/);
  expect(await newestOrderOf(page.request)).toBe(newestBefore);
});
