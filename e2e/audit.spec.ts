import { expect } from '@playwright/test';
import { tamperWithEvent } from '../tests/support/tamper';
import { authState } from './auth';
import { e2eDatabaseClient } from './database';
import { ADDRESS, fillAddress, placeOrder, screenshot, test, TOTAL } from './helpers';

// Everything here is done by the clerk, whose name the timeline must show.
test.use({ storageState: authState('clerk') });

const NEW_ADDRESS = { line1: '48 Canal Road', city: 'Utrecht', postalCode: '3511 CD' };
const CANCEL_REASON = 'Customer found it cheaper elsewhere';

/** Places, re-addresses and cancels an order through the UI; returns its id. */
async function orderWithHistory(page: import('@playwright/test').Page) {
  const orderId = await placeOrder(page);
  await page.getByRole('button', { name: 'Change address…' }).click();
  const addressForm = page.getByRole('form', { name: 'Change shipping address' });
  await fillAddress(addressForm, NEW_ADDRESS);
  await addressForm.getByRole('button', { name: 'Save address' }).click();
  await expect(page.getByTestId('order-version')).toHaveText('Version 2');
  await page.getByRole('button', { name: 'Cancel order…' }).click();
  const cancelForm = page.getByRole('form', { name: 'Cancel order' });
  await cancelForm.getByLabel('Reason code').selectOption('customer_request');
  await cancelForm.getByLabel('Reason for cancelling').fill(CANCEL_REASON);
  await cancelForm.getByRole('button', { name: 'Confirm cancellation' }).click();
  await expect(page.getByTestId('order-version')).toHaveText('Version 3');
  return orderId;
}

test('the audit timeline shows who did what and why, and the order as it was after each event', async ({ page }) => {
  const orderId = await orderWithHistory(page);
  await page.getByRole('link', { name: /Audit timeline/ }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${orderId}/audit`));

  const entries = page.getByTestId('audit-entry');
  await expect(entries).toHaveCount(3);
  const expected = [
    { label: 'Order placed', status: 'Placed', line1: ADDRESS.line1 },
    { label: 'Shipping address changed', status: 'Placed', line1: NEW_ADDRESS.line1 },
    { label: 'Order cancelled', status: 'Cancelled', line1: NEW_ADDRESS.line1 },
  ];
  for (const [index, { label }] of expected.entries()) {
    await expect(entries.nth(index)).toContainText(label);
    await expect(entries.nth(index).getByTestId('audit-actor')).toHaveText('by Casey Clerk');
  }
  await expect(entries.nth(2).getByTestId('audit-reason')).toContainText(CANCEL_REASON);
  await expect(entries.nth(2).getByTestId('audit-correction')).toContainText(/v1/);
  await expect(page.getByTestId('audit-verify')).toHaveText('History intact');

  // The page opens on the latest version; step back through the history.
  const state = page.getByTestId('audit-state');
  await expect(page.getByTestId('audit-selected-version')).toHaveText('3');
  for (const version of [3, 2, 1]) {
    const { status, line1 } = expected[version - 1]!;
    await page.getByTestId('audit-slider').fill(String(version - 1));
    await expect(page.getByTestId('audit-selected-version')).toHaveText(String(version));
    await expect(state.getByTestId('audit-state-status')).toHaveText(status);
    await expect(state.getByTestId('audit-state-address')).toContainText(line1);
    await expect(state.getByTestId('audit-state-total')).toHaveText(TOTAL);
    if (version === 2) await screenshot(page, 'audit-timeline-v2');
  }
  // The change an event made is listed with it.
  await page.getByRole('button', { name: /Next/ }).click();
  await expect(page.getByTestId('audit-changes')).toContainText(NEW_ADDRESS.line1);
  await page.getByRole('button', { name: /Next/ }).click();
  await expect(state.getByTestId('audit-state-cancel-reason')).toContainText(CANCEL_REASON);
  await screenshot(page, 'audit-timeline');

  const csv = await page.request.get(`/api/orders/${orderId}/audit.csv`);
  expect(csv.status()).toBe(200);
  const rows = (await csv.text()).trim().split('\r\n');
  expect(rows).toHaveLength(4);
  expect(rows[3]).toContain('Casey Clerk');
  expect(rows[3]).toContain(CANCEL_REASON);
  const json = await page.request.get(`/api/orders/${orderId}/audit`);
  expect((await json.json()).entries).toHaveLength(3);
});

test('an event altered behind the app’s back turns the badge red and names it', async ({ page }) => {
  const orderId = await orderWithHistory(page);
  const client = await e2eDatabaseClient();
  try {
    await tamperWithEvent(
      client,
      { streamId: `order-${orderId}`, version: 2 },
      { address: { ...ADDRESS, city: 'Elsewhere' } },
    );
  } finally {
    await client.end();
  }

  await page.goto(`/orders/${orderId}/audit`);
  const badge = page.getByTestId('audit-verify');
  await expect(badge).toHaveAttribute('data-ok', 'false');
  await expect(badge).toHaveText('Tampered: event v2');
  await expect(page.getByTestId('audit-entry').nth(1).getByTestId('audit-integrity')).toContainText(/tamper/i);
  await screenshot(page, 'audit-tampered');
  const verify = await page.request.get(`/api/orders/${orderId}/verify`);
  expect(await verify.json()).toMatchObject({ ok: false, brokenAtVersion: 2 });
});

test('each event shows the signed ledger head that covers it', async ({ page }) => {
  const orderId = await orderWithHistory(page);
  const entries = page.getByTestId('audit-entry');
  // A head is signed within a few seconds (LEDGERLINE_LEDGER_HEAD_INTERVAL_MS); the page shows the moment it was loaded.
  await expect(async () => {
    await page.goto(`/orders/${orderId}/audit`);
    for (let i = 0; i < 3; i++)
      await expect(entries.nth(i).getByTestId('audit-ledger')).toHaveAttribute('data-covered', 'true', {
        timeout: 1_000,
      });
  }).toPass({ timeout: 30_000 });
  await expect(entries.nth(0).getByTestId('audit-ledger')).toContainText(/Covered by signed head #\d+/);
  const head = await page.request.get('/api/ledger/heads/latest');
  expect(head.status()).toBe(200);
  const proof = await page.request.get(
    `/api/events/${await entries.nth(0).getByTestId('audit-position').textContent()}/proof`,
  );
  expect(proof.status()).toBe(200);
  expect((await proof.json()).event.streamId).toBe(`order-${orderId}`);
});
