import { expect } from '@playwright/test';
import type pg from 'pg';
import { BASE_URL } from './base-url';
import { e2eDatabaseClient } from './database';
import { serveForeignPage } from './foreign-origin';
import { ADDRESS, test } from './helpers';

// A page on another port of this host must not be able to write with the cookie the browser sends it.

let attacker: Awaited<ReturnType<typeof serveForeignPage>>;
let db: pg.Client;
let order: { customerId: string; items: { sku: string; quantity: number }[]; shippingAddress: typeof ADDRESS };

/** A page that posts a JSON-looking order the two ways a foreign page can without a CORS preflight. */
function attackPage(kind: 'form' | 'fetch') {
  const body = JSON.stringify(order);
  if (kind === 'fetch') {
    return `<!doctype html><button onclick="fetch('${BASE_URL}/api/orders', { method: 'POST', mode: 'no-cors',
      credentials: 'include', body: ${JSON.stringify(body).replaceAll('"', '&quot;')} })">Win a prize</button>`;
  }
  // The classic text/plain trick: name + "=" + value spells a JSON object.
  const [name, value] = [body.slice(0, -1) + ',"x":"', '"}'];
  return `<!doctype html><form method="POST" enctype="text/plain" action="${BASE_URL}/api/orders">
    <input type="hidden" name='${name}' value='${value}'><button>Win a prize</button></form>`;
}

async function placedForCustomer() {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM events WHERE event_type = 'OrderPlaced' AND data->>'customerId' = $1`,
    [order.customerId],
  );
  return Number(rows[0]!.n);
}

test.beforeAll(async ({ request }) => {
  const { customers } = (await (await request.get('/api/customers')).json()) as { customers: { id: string }[] };
  order = { customerId: customers[13]!.id, items: [{ sku: 'SKU-0005', quantity: 1 }], shippingAddress: ADDRESS };
  db = await e2eDatabaseClient();
  attacker = await serveForeignPage((path) => attackPage(path === '/form' ? 'form' : 'fetch'));
});

test.afterAll(async () => {
  await attacker.close();
  await db.end();
});

test('a page on another port of this host cannot place orders with the signed-in cookie', async ({ page }) => {
  const before = await placedForCustomer();
  const answer = () =>
    page.waitForResponse((r) => r.url() === `${BASE_URL}/api/orders` && r.request().method() === 'POST');

  await page.goto(`${attacker.url}/fetch`);
  const [fetched] = await Promise.all([answer(), page.getByRole('button', { name: 'Win a prize' }).click()]);
  expect(fetched.status()).toBe(403);

  await page.goto(`${attacker.url}/form`);
  const [posted] = await Promise.all([answer(), page.getByRole('button', { name: 'Win a prize' }).click()]);
  expect(posted.status()).toBe(403);
  // The form's answer is shown as a page: the refusal says why.
  await expect(page.getByText('must come from a Ledgerline page')).toBeVisible();

  // The same cookie from our own page: text/plain is refused, JSON places the order.
  await page.goto('/orders');
  const fromOwnPage = (contentType: string) =>
    page.evaluate(
      async ([body, type]) =>
        (await fetch('/api/orders', { method: 'POST', headers: { 'content-type': type! }, body })).status,
      [JSON.stringify(order), contentType],
    );
  expect(await fromOwnPage('text/plain')).toBe(415);
  expect(await fromOwnPage('application/json')).toBe(201);
  // Only the order from our own page was placed (without the check, both foreign posts place one too).
  expect(await placedForCustomer()).toBe(before + 1);
});
