import { expect } from '@playwright/test';
import { EVENT_SCHEMAS } from '../lib/event-schemas';
import pg from 'pg';
import { createEventStore } from '../lib/event-store';
import { authState } from './auth';
import { FROM_OWN_PAGE } from './base-url';
import { e2eDatabaseUrl } from './database';
import { ADDRESS, screenshot, test } from './helpers';

// An order whose log holds an amount no decision could write (as databases
// from before the money bounds do): the order page says where its history
// stops and takes no command, and the dashboard says what was set aside.

test('an order with an impossible amount in its history is shown up to it, refuses commands, and is flagged', async ({
  page,
  request,
  browser,
}) => {
  const { customers } = (await (await request.get('/api/customers')).json()) as { customers: { id: string }[] };
  const placed = await request.post('/api/orders', {
    data: { customerId: customers[17]!.id, items: [{ sku: 'SKU-0001', quantity: 2 }], shippingAddress: ADDRESS },
    headers: FROM_OWN_PAGE,
  });
  expect(placed.status()).toBe(201);
  const { orderId } = (await placed.json()) as { orderId: string };

  // Written past decide(), as the app did before totals had bounds.
  const pool = new pg.Pool({ connectionString: await e2eDatabaseUrl(), max: 1 });
  try {
    await createEventStore(pool, { schemas: EVENT_SCHEMAS }).append(
      `order-${orderId}`,
      [
        {
          type: 'OrderPriceAdjusted',
          data: {
            orderId,
            amountDelta: Number.MAX_SAFE_INTEGER,
            reason: 'Legacy correction',
            previousTotal: 998,
            newTotal: 998 + Number.MAX_SAFE_INTEGER,
            adjustedAt: new Date().toISOString(),
          },
          metadata: {},
          occurredAt: new Date(),
        },
      ],
      { expectedVersion: 1, streamType: 'order' },
    );
  } finally {
    await pool.end();
  }

  await page.goto(`/orders/${orderId}`);
  const banner = page.getByTestId('history-refused');
  await expect(banner).toContainText('Version 2 cannot be applied');
  await expect(banner).toContainText('amountDelta');
  await expect(page.getByText('€9.98').first()).toBeVisible();
  await screenshot(page, 'order-history-refused');

  await expect(page.getByRole('button', { name: 'Ship order' })).toHaveCount(0);
  await expect(page.getByText('No command can be taken on this order')).toBeVisible();
  // Behind the page's back, the API refuses it too.
  const ship = await request.post(`/api/orders/${orderId}/ship`, { data: {}, headers: FROM_OWN_PAGE });
  expect(ship.status()).toBe(409);
  expect(((await ship.json()) as { error: { rule: string } }).error.rule).toBe('ORDER_HISTORY_INVALID');

  await banner.getByRole('link', { name: 'audit timeline' }).click();
  await expect(page.getByText("The order's rules refuse this event").first()).toBeVisible();

  await page.goto('/dashboard');
  await expect(page.getByTestId('set-aside').first()).toContainText(`order-${orderId}`);
  await screenshot(page, 'dashboard-set-aside');

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    storageState: authState('operator'),
  });
  const small = await phone.newPage();
  await small.goto(`/orders/${orderId}`);
  await expect(small.getByTestId('history-refused')).toBeVisible();
  await screenshot(small, 'order-history-refused-phone');
  await phone.close();
});
