import { expect, type Page } from '@playwright/test';
import { ACTION_BODY_LIMIT_BYTES } from '../lib/actions/body-limit';
import { fillOrderForm, newestOrderOf, test } from './helpers';

// A server action call whose body is over the limit gets a 413 that says so
// (Next.js alone answers a 500 that a browser cannot tell from a crash), and
// the form says so too.

/**
 * The id of the new-order form's action, as the browser sends it: read off a
 * real submit of a valid form (the form sends nothing it would refuse), which
 * is stopped before it reaches the server.
 */
async function placeOrderActionId(page: Page): Promise<string> {
  let actionId: string | undefined;
  await page.route('**/orders/new', (route) => {
    const header = route.request().headers()['next-action'];
    if (route.request().method() !== 'POST' || !header) return route.continue();
    actionId = header;
    return route.abort();
  });
  await page.goto('/orders/new');
  await fillOrderForm(page);
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect.poll(() => actionId).toBeTruthy();
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  return actionId!;
}

/** The action's one argument, serialised as Next.js's client sends it, padded to exactly `bytes`. */
function actionBody(bytes: number): string {
  const body = (pad: string) => JSON.stringify([{ commandId: 'not-a-uuid', shippingAddress: { line1: pad } }]);
  return body('x'.repeat(bytes - body('').length));
}

const TOO_LARGE = /^The request is too large: .*1 MB/;

/** Posts `data` to the new-order form's action as Next.js's client would, signed in as the page is. */
async function postAction(page: Page, baseURL: string, data: string | ReadableStream) {
  const actionId = await placeOrderActionId(page);
  const headers = {
    'Next-Action': actionId,
    'Content-Type': 'text/plain;charset=UTF-8',
    Accept: 'text/x-component',
    Origin: new URL(baseURL).origin,
    Cookie: (await page.context().cookies()).map(({ name, value }) => `${name}=${value}`).join('; '),
  };
  // A stream goes in chunks, with no Content-Length to go by.
  const response = await fetch(new URL('/orders/new', baseURL), {
    method: 'POST',
    headers,
    body: data,
    ...(typeof data === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

test('a server action body over the limit answers 413 with a message that says so', async ({ page, baseURL }) => {
  const response = await postAction(page, baseURL!, actionBody(ACTION_BODY_LIMIT_BYTES + 1));
  expect(response.status).toBe(413);
  // Exactly text/plain: Next.js's client then throws this text to the caller.
  expect(response.contentType).toBe('text/plain');
  expect(response.text).toMatch(TOO_LARGE);
});

test('a chunked server action body over the limit is counted as it arrives and answers 413', async ({
  page,
  baseURL,
}) => {
  const response = await postAction(page, baseURL!, new Blob([actionBody(ACTION_BODY_LIMIT_BYTES + 1)]).stream());
  expect(response.status).toBe(413);
  expect(response.text).toMatch(TOO_LARGE);
});

test('a server action body at the limit reaches the action', async ({ page, baseURL }) => {
  const response = await postAction(page, baseURL!, actionBody(ACTION_BODY_LIMIT_BYTES));
  expect(response.status).toBe(200);
  // The action itself refuses the made-up command id.
  expect(response.text).toContain('"code":"VALIDATION"');
});

test('a form posted before hydration (multipart, no Next-Action) over the limit answers 413', async ({
  request,
  baseURL,
}) => {
  const response = await request.post('/sign-in', {
    headers: { Origin: new URL(baseURL!).origin },
    multipart: { username: 'x'.repeat(ACTION_BODY_LIMIT_BYTES), password: 'x' },
  });
  expect(response.status()).toBe(413);
  expect(await response.text()).toMatch(TOO_LARGE);
});

test('the form refuses an address line too long to send, and nothing is placed', async ({ page }) => {
  // The browser checks with the server's own schema, so an oversized body is never sent from the form;
  // the server's 413 for one sent anyway is tested above.
  const newestBefore = await newestOrderOf(page.request);
  await page.goto('/orders/new');
  await fillOrderForm(page, { address: { line1: 'x'.repeat(ACTION_BODY_LIMIT_BYTES) } });
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.locator('#shipping-line1-error')).toHaveText(/Street address must be at most \d+ characters/);
  await expect(page).toHaveURL(/\/orders\/new$/);
  expect(await newestOrderOf(page.request)).toBe(newestBefore);
});
