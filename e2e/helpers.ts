import path from 'node:path';
import {
  test as base,
  expect,
  type APIRequestContext,
  type BrowserContext,
  type Locator,
  type Page,
} from '@playwright/test';

// Reference data is seeded deterministically (lib/db/seed.ts), so names and
// prices are known: SKU-0001 "Classic Backpack" €4.99, SKU-0002 "Compact Backpack" €42.32.
export const CUSTOMER = 'Grace Huang';
export const LINES = [
  { sku: 'SKU-0001', name: 'Classic Backpack', quantity: 2 },
  { sku: 'SKU-0002', name: 'Compact Backpack', quantity: 3 },
] as const;
/** 2 × €4.99 + 3 × €42.32 */
export const TOTAL = '€136.94';

export const ADDRESS = {
  name: 'Grace Huang',
  line1: '12 Harbour Street',
  city: 'Rotterdam',
  postalCode: '3011 AB',
  country: 'NL',
};

const ADDRESS_LABELS: Record<keyof typeof ADDRESS, string> = {
  name: 'Recipient name',
  line1: 'Street address',
  city: 'City',
  postalCode: 'Postal code',
  country: 'Country',
};

export const ORDER_URL = /\/orders\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export async function fillAddress(scope: Page | Locator, address: Partial<typeof ADDRESS>) {
  for (const [key, value] of Object.entries(address)) {
    const field = scope.getByLabel(ADDRESS_LABELS[key as keyof typeof ADDRESS], { exact: true });
    // The country is picked from a list of ISO codes.
    if (key === 'country') await field.selectOption(value);
    else await field.fill(value);
  }
}

/** Fills the new-order form with CUSTOMER, LINES and ADDRESS (overridable) without submitting it. */
export async function fillOrderForm(
  page: Page,
  overrides: { quantity?: string; address?: Partial<typeof ADDRESS> } = {},
) {
  // A value typed before React has hydrated the form is lost: the hint below the field only
  // changes once React has the value, so wait for it (typing again if needed) before going on.
  await expect(async () => {
    await page.getByRole('combobox', { name: 'Customer' }).fill(CUSTOMER);
    await expect(page.getByText(`Selected: ${CUSTOMER}`)).toBeVisible({ timeout: 1_000 });
  }).toPass();
  for (const [index, line] of LINES.entries()) {
    if (index > 0) await page.getByRole('button', { name: 'Add line' }).click();
    await page.getByLabel(`Product for line ${index + 1}`).fill(line.sku);
    await page.getByLabel(`Quantity for line ${index + 1}`).fill(String(line.quantity));
  }
  if (overrides.quantity !== undefined) await page.getByLabel('Quantity for line 1').fill(overrides.quantity);
  await fillAddress(page, { ...ADDRESS, ...overrides.address });
}

/** Places an order through the form and returns its id, once its page shows it. */
export async function placeOrder(page: Page): Promise<string> {
  await page.goto('/orders/new');
  await fillOrderForm(page);
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(ORDER_URL);
  await expect(page.getByTestId('order-status')).toHaveText('Placed');
  return ORDER_URL.exec(page.url())![1]!;
}

/** Waits until the orders list has hydrated: input typed before that is lost. */
export async function ordersListReady(page: Page) {
  await expect(page.locator('[data-interactive]')).toBeAttached();
}

/** Full-page screenshots kept for people to look at, apart from Playwright's per-test ones. */
export async function screenshot(page: Page, name: string) {
  // Times render in UTC on the server and local time after hydration; wait for it.
  await page.waitForLoadState('networkidle');
  // Sticky panels are drawn where the last scroll left them, even in a full-page capture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({
    path: path.join(import.meta.dirname, 'artifacts', 'screens', `${name}.png`),
    fullPage: true,
  });
}

/**
 * Places an order for `customer` from the form on /orders (the page must be
 * open) and returns its id and total (as the list prints it) once the row is
 * confirmed, i.e. the orders projection has the order.
 */
export async function placeOrderFromList(
  page: Page,
  customer: string,
  lines: readonly { sku: string; quantity: number }[] = LINES,
): Promise<{ orderId: string; total: string }> {
  const form = page.getByRole('form', { name: 'Place an order' });
  await ordersListReady(page);
  if (!(await form.isVisible())) await page.getByText('Place an order', { exact: true }).click();
  await expect(form.locator('datalist option').first()).toBeAttached();
  await form.getByRole('combobox', { name: 'Customer', exact: true }).fill(customer);
  await expect(form.getByText(`Selected: ${customer}`)).toBeVisible();
  for (const [index, line] of lines.entries()) {
    if (index > 0) await form.getByRole('button', { name: 'Add line' }).click();
    await form.getByLabel(`Product for line ${index + 1}`).fill(line.sku);
    await form.getByLabel(`Quantity for line ${index + 1}`).fill(String(line.quantity));
  }
  await fillAddress(form, { ...ADDRESS, name: customer });
  // The list may already hold this customer's orders (from earlier tests or runs): the new one is the row that was not there.
  const rows = page.getByTestId('order-row');
  const before = new Set(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-order-id'))));
  await form.getByRole('button', { name: 'Place order' }).click();

  // The optimistic row carries a temporary id until the command answers; a confirmed row has the order's own.
  let orderId = '';
  await expect
    .poll(async () => {
      const confirmed = rows
        .filter({ hasText: customer })
        .filter({ has: page.getByTestId('order-sync').getByText('Confirmed') });
      const ids = await confirmed.evaluateAll((els) => els.map((el) => el.getAttribute('data-order-id') ?? ''));
      orderId = ids.find((id) => !before.has(id)) ?? '';
      return orderId;
    })
    .toMatch(/^[0-9a-f-]{36}$/);
  const row = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
  const total = (await row.getByText(/^€[\d,]+\.\d{2}$/).textContent())!.trim();
  return { orderId, total };
}

/** Cancels an order from its row on /orders and waits until the list confirms it. */
export async function cancelOrderFromList(page: Page, orderId: string, reason: string) {
  const row = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
  await row.getByRole('button', { name: /^Actions for order/ }).click();
  await page.getByRole('menuitem', { name: 'Cancel order…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this order?' });
  await dialog.getByLabel('Reason code').selectOption('customer_request');
  await dialog.getByLabel('Reason for cancelling').fill(reason);
  await dialog.getByRole('button', { name: 'Confirm cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('order-status')).toHaveText('Cancelled');
  await expect(row.getByTestId('order-sync')).toHaveText('Confirmed');
}

/**
 * The id of `customerName`'s newest order in the orders list, read once the
 * list's projection has caught up with every event (null when they have
 * none): what a check that "nothing was placed" compares before and after.
 */
export async function newestOrderOf(request: APIRequestContext, customerName = CUSTOMER): Promise<string | null> {
  await expect
    .poll(async () => {
      const { projections } = (await (await request.get('/api/projections')).json()) as {
        projections: { name: string; lagEvents: number }[];
      };
      return projections.find((p) => p.name === 'order_summaries')?.lagEvents;
    })
    .toBe(0);
  const { customers } = (await (await request.get('/api/customers')).json()) as {
    customers: { id: string; name: string }[];
  };
  const customer = customers.find((c) => c.name === customerName);
  if (!customer) throw new Error(`no customer named ${customerName}`);
  const { orders } = (await (await request.get(`/api/orders?customerId=${customer.id}&limit=1`)).json()) as {
    orders: { orderId: string }[];
  };
  return orders[0]?.orderId ?? null;
}

// ---------------------------------------------------------------------------
// The dashboard's customer table, as a person reads it.

export const grouped = (n: number) => n.toLocaleString('en-US');
const euros = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });
export const money = (cents: number) => euros.format(cents / 100);

/** "€1,234.56" → 123456, read as text (no float arithmetic). */
export function cents(text: string): number {
  const match = /^(-)?€([\d,]+)\.(\d{2})$/.exec(text.trim());
  if (!match) throw new Error(`not an amount in euros: "${text}"`);
  const value = Number(match[2]!.replaceAll(',', '')) * 100 + Number(match[3]);
  return match[1] ? -value : value;
}

export type CustomerFigures = { orders: number; spent: number; cancelledOrders: number; cancelledAmount: number };

export function customerRow(page: Page, name: string) {
  return page
    .getByRole('table', { name: /^Customers sorted by/ })
    .locator('tbody tr')
    .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
}

/** The table prints cancellations as "2 · €12.34", or "—" when there are none. */
const cancelledText = (f: CustomerFigures) =>
  f.cancelledOrders > 0 ? `${grouped(f.cancelledOrders)} · ${money(f.cancelledAmount)}` : '—';

export async function readCustomerRow(page: Page, name: string): Promise<CustomerFigures> {
  const cells = customerRow(page, name).getByRole('cell');
  await expect(cells).toHaveCount(4);
  const [orders, spent, cancelled] = (await cells.allTextContents()).map((t) => t.trim());
  const split = /^([\d,]+) · (.+)$/.exec(cancelled!);
  return {
    orders: Number(orders!.replaceAll(',', '')),
    spent: cents(spent!),
    cancelledOrders: split ? Number(split[1]!.replaceAll(',', '')) : 0,
    cancelledAmount: split ? cents(split[2]!) : 0,
  };
}

export async function expectCustomerRow(page: Page, name: string, expected: CustomerFigures) {
  const cells = customerRow(page, name).getByRole('cell');
  await expect(cells.nth(0)).toHaveText(grouped(expected.orders));
  await expect(cells.nth(1)).toHaveText(money(expected.spent));
  await expect(cells.nth(2)).toHaveText(cancelledText(expected));
}

/** Nothing of the page sticks out sideways (on a phone, say). */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

/**
 * Console errors and warnings (hydration mismatches, recharts' sizing
 * complaints). `expect400`: a test that asks for a 400 on purpose drops the
 * browser's note on that request.
 */
export function watchConsole(page: Page, { expect400 = false } = {}): string[] {
  const complaints: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (expect400 && /^Failed to load resource: the server responded with a status of 400/.test(message.text())) {
      return;
    }
    complaints.push(message.text());
  });
  return complaints;
}

// ---------------------------------------------------------------------------
// Content-Security-Policy: every spec imports `test` from here.

/** How Chromium reports what a Content-Security-Policy (or X-Frame-Options) blocked, and how the init script below does. */
const BLOCKED = /Refused to|Content Security Policy|securitypolicyviolation/;

async function reportViolations(context: BrowserContext, violations: string[], expected: readonly RegExp[]) {
  context.on('console', (message) => {
    const text = message.text();
    if (BLOCKED.test(text) && !expected.some((pattern) => pattern.test(text))) {
      violations.push(`${message.location().url}: ${text}`);
    }
  });
  // The event also covers what a browser blocks without a console line.
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`securitypolicyviolation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`),
    ),
  );
}

/**
 * Playwright's test, failing any test in whose browser contexts (its own and
 * any it opens) a page broke its Content-Security-Policy. A test that
 * provokes a violation on purpose names it in `expectedViolations`.
 */
export const test = base.extend<{ expectedViolations: RegExp[]; cspViolations: void }>({
  expectedViolations: [[], { option: true }],
  cspViolations: [
    async ({ context, browser, expectedViolations }, use) => {
      const violations: string[] = [];
      await reportViolations(context, violations, expectedViolations);
      // (A context the test closes at once may refuse the init script; its console is watched all the same.)
      const onContext = (opened: BrowserContext) =>
        void reportViolations(opened, violations, expectedViolations).catch(() => {});
      browser.on('context', onContext);
      await use();
      browser.off('context', onContext);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
