import { expect, type APIRequestContext, type Browser, type Locator, type Page } from '@playwright/test';
import { authState } from './auth';
import { FROM_OWN_PAGE } from './base-url';
import { expectNoHorizontalScroll, screenshot, test } from './helpers';

// /projections: every projection's versions and the operator's actions on
// them. The operator's tests rebuild, compare, switch and roll back through
// the page while a second browser watches /dashboard, which must keep showing
// data throughout; the viewer sees the same page without a single button.

const PROJECTIONS = ['order_summaries', 'customer_stats', 'order_metrics'];
const ACTION_BUTTONS = /^(Rebuild|Compare|Switch to this version|Roll back to v\d+|Retire|Retry|Skip)$/;

type Version = { version: number; state: string; rebuild: unknown };
type Listed = { name: string; version: number; versions?: Version[] };

const card = (page: Page, name: string) => page.locator(`[data-testid="projection"][data-name="${name}"]`);
const versionCard = (page: Page, name: string, version: number) =>
  card(page, name).locator(`[data-testid="version"][data-version="${version}"]`);

async function listed(request: APIRequestContext): Promise<Listed[]> {
  const res = await request.get('/api/projections');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { projections: Listed[] }).projections;
}

// ---------------------------------------------------------------------------
// Everyone may look.

async function expectEveryProjection(page: Page) {
  for (const name of PROJECTIONS) {
    await expect(card(page, name).getByRole('heading', { name, level: 2 })).toBeVisible();
    await expect(card(page, name).locator('[data-testid="version"][data-state="serving"]')).toHaveCount(1);
  }
  await expect(page.getByRole('region', { name: 'Operations log' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Operations log' }).locator('[aria-busy="true"]')).toHaveCount(0);
}

test('the header and the dashboard’s lag panel lead to /projections', async ({ page }) => {
  await page.goto('/dashboard');
  await page.getByRole('region', { name: 'Projections' }).getByRole('link', { name: 'Manage projections' }).click();
  await expect(page).toHaveURL(/\/projections$/);
  await expect(page.getByRole('heading', { name: 'Projections', level: 1 })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projections' }),
  ).toHaveAttribute('aria-current', 'page');
  await page.goto('/orders');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projections' }).click();
  await expect(page).toHaveURL(/\/projections$/);
  await expectEveryProjection(page);
});

async function openOn(browser: Browser, role: 'operator' | 'viewer', viewport: { width: number; height: number }) {
  const phone = viewport.width < 640;
  const context = await browser.newContext({
    storageState: authState(role),
    viewport,
    ...(phone ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  await page.goto('/projections');
  await expectEveryProjection(page);
  return { context, page };
}

test('an operator sees every projection with its versions and actions, on a laptop and a phone', async ({
  browser,
}) => {
  for (const [size, viewport] of [
    ['laptop', { width: 1440, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    const { context, page } = await openOn(browser, 'operator', viewport);
    await expect(card(page, 'order_summaries').getByRole('button', { name: 'Rebuild' }).first()).toBeVisible();
    // The serving version says why it cannot be retired, instead of offering it.
    await expect(
      card(page, 'order_summaries')
        .locator('[data-testid="version"][data-state="serving"]')
        .getByText('Serves reads: switch to another version first.'),
    ).toBeVisible();
    await expectNoHorizontalScroll(page);
    await screenshot(page, `projections-operator-${size}`);
    await context.close();
  }
});

test('a viewer sees the page but no action, and the API refuses their writes', async ({ browser }) => {
  for (const [size, viewport] of [
    ['laptop', { width: 1440, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    const { context, page } = await openOn(browser, 'viewer', viewport);
    await expect(page.getByText('Only operators can act on them.')).toBeVisible();
    await expect(page.getByRole('button', { name: ACTION_BUTTONS })).toHaveCount(0);
    await expect(page.getByRole('form')).toHaveCount(0);
    await expectNoHorizontalScroll(page);
    await screenshot(page, `projections-viewer-${size}`);

    if (size === 'laptop') {
      const { request } = context;
      const retry = await request.post('/api/projections/order_summaries/versions/1/retry', {
        data: { reason: 'viewer e2e' },
        headers: FROM_OWN_PAGE,
      });
      expect(retry.status()).toBe(403);
      const skip = await request.post('/api/projections/order_summaries/versions/1/skip', {
        data: { position: '1:1', reason: 'viewer e2e' },
        headers: FROM_OWN_PAGE,
      });
      expect(skip.status()).toBe(403);
    }
    await context.close();
  }
});

test('the API refuses a viewer’s rebuild, switch, rollback and retire', async ({ browser }) => {
  const context = await browser.newContext({ storageState: authState('viewer') });
  const { request } = context;
  const writes = [
    request.post('/api/projections/order_summaries/rebuild', { data: { reason: 'viewer' }, headers: FROM_OWN_PAGE }),
    request.post('/api/projections/order_summaries/versions/1/switch', {
      data: { reason: 'viewer' },
      headers: FROM_OWN_PAGE,
    }),
    request.post('/api/projections/order_summaries/rollback', { data: { reason: 'viewer' }, headers: FROM_OWN_PAGE }),
    request.delete('/api/projections/order_summaries/versions/1', {
      data: { reason: 'viewer' },
      headers: FROM_OWN_PAGE,
    }),
  ];
  for (const res of await Promise.all(writes)) expect(res.status(), res.url()).toBe(403);
  // Refused before anything was written: the serving versions are as they were.
  const after = await listed(request);
  expect(after.find((p) => p.name === 'order_summaries')?.versions?.find((v) => v.state === 'serving')).toBeTruthy();
  await context.close();
});

// ---------------------------------------------------------------------------
// The operator acts, while another browser reads the dashboard.

/** The dashboard still shows figures and customers: never an empty table, never an error. */
async function expectDashboardShowsData(dashboard: Page) {
  const customers = dashboard.getByRole('table', { name: /^Customers sorted by/ }).locator('tbody tr');
  await expect(customers.first()).toBeVisible();
  expect(await customers.count()).toBeGreaterThan(0);
  await expect(dashboard.getByText(/^Could not load/)).toHaveCount(0);
  await expect(dashboard.locator('dl[aria-label="Key figures"] dd').first()).toHaveText(/\d/);
}

async function openDashboard(browser: Browser) {
  const context = await browser.newContext({
    storageState: authState('viewer'),
    viewport: { width: 1440, height: 900 },
  });
  const dashboard = await context.newPage();
  await dashboard.goto('/dashboard');
  await expectDashboardShowsData(dashboard);
  return { context, dashboard };
}

async function confirm(scope: Locator, button: string | RegExp, form: string, reason: string, submit: string | RegExp) {
  await scope.getByRole('button', { name: button, exact: typeof button === 'string' }).click();
  const dialog = scope.getByRole('form', { name: form });
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: submit }).click();
  await expect(dialog).toHaveCount(0);
}

test('an operator rebuilds a projection while the dashboard keeps showing data', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const { context, dashboard } = await openDashboard(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/projections');
  await expectEveryProjection(page);

  const name = 'customer_stats';
  const serving = card(page, name).locator('[data-testid="version"][data-state="serving"]');
  const version = Number(await serving.getAttribute('data-version'));
  const target = versionCard(page, name, version);
  // Watched from the click on: a small database rebuilds in moments.
  const bar = target.getByRole('progressbar', { name: `Rebuilding ${name} v${version}` });
  const barSeen = bar.waitFor({ state: 'visible', timeout: 30_000 }).then(
    () => true,
    () => false,
  );
  await confirm(target, 'Rebuild', 'Rebuild', 'e2e: rebuild after a fix', `Rebuild v${version}`);

  const log = page.getByRole('region', { name: 'Operations log' });
  await expect(log.getByText(`Requested a rebuild of ${name} v${version}`).first()).toBeVisible();
  await expect
    .poll(
      async () => {
        await expectDashboardShowsData(dashboard);
        return (
          (await target.getAttribute('data-state')) === 'serving' &&
          (await target.getByRole('progressbar').count()) === 0 &&
          (await target.getByRole('button', { name: 'Rebuild', exact: true }).isVisible())
        );
      },
      { timeout: 120_000, intervals: [100, 250, 500] },
    )
    .toBe(true);
  // The bar may come and go between two refetches; the log keeps both ends of the rebuild.
  const sawBar = await Promise.race([barSeen, Promise.resolve(false)]);
  console.log(`[projections.spec] rebuild progress bar seen: ${sawBar}`);
  test.info().annotations.push({ type: 'progress bar seen', description: String(sawBar) });
  await expect(log.getByText(`${name} v${version} finished rebuilding and took over`).first()).toBeVisible();
  await expectDashboardShowsData(dashboard);
  await screenshot(page, 'projections-after-rebuild');
  await context.close();
});

/** A projection with a version besides the serving one that could serve: caught up, tables kept. */
async function projectionWithTwoVersions(request: APIRequestContext) {
  let found: { name: string; serving: number; other: number } | null = null;
  await expect
    .poll(
      async () => {
        const projections = await listed(request);
        const candidates = projections
          .map((p) => ({ name: p.name, versions: p.versions ?? [] }))
          .sort((a, b) => Number(b.name === 'customer_stats') - Number(a.name === 'customer_stats'));
        for (const p of candidates) {
          const serving = p.versions.find((v) => v.state === 'serving');
          const other = p.versions.find((v) => v.state === 'ready' || v.state === 'previous');
          if (serving && other) {
            found = { name: p.name, serving: serving.version, other: other.version };
            return true;
          }
        }
        return false;
      },
      { timeout: 60_000, message: 'a projection with a second version ready to serve' },
    )
    .toBe(true);
  return found!;
}

test('an operator compares two versions, switches and rolls back while the dashboard keeps showing data', async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(180_000);
  const { name, serving, other } = await projectionWithTwoVersions(request);
  const { context, dashboard } = await openDashboard(browser);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/projections');
  await expectEveryProjection(page);
  const projection = card(page, name);
  const log = page.getByRole('region', { name: 'Operations log' });

  // Compare: the report, per view.
  const compare = projection.getByRole('form', { name: `Compare versions of ${name}` });
  await compare.getByLabel('Version A').selectOption(String(serving));
  await compare.getByLabel('Version B').selectOption(String(other));
  await compare.getByRole('button', { name: 'Compare' }).click();
  const report = projection.getByTestId('comparison-report').first();
  await expect(report.getByTestId('comparison-result')).toHaveText(/^(Passed|Differences found)$/);
  await expect(
    report.getByRole('region', { name: new RegExp(`^${name}: v${serving} \\(A\\) against v${other}`) }),
  ).toBeVisible();
  await expect(report.getByRole('rowheader').first()).toBeVisible();
  await expectDashboardShowsData(dashboard);
  await screenshot(page, 'projections-compared');

  // Switch: the comparison first; a failed one needs an override with a reason.
  const candidate = versionCard(page, name, other);
  await candidate.getByRole('button', { name: 'Switch to this version' }).click();
  const switchForm = candidate.getByRole('form', { name: `Switch ${name} to v${other}` });
  const result = switchForm.getByTestId('comparison-result');
  await expect(result).toHaveText(/^(Passed|Differences found)$/);
  await screenshot(page, 'projections-switch-form');
  if ((await result.textContent()) === 'Differences found') {
    await switchForm.getByLabel(/^Override/).check();
  }
  await switchForm.getByLabel('Reason').fill('e2e: switch to the new version');
  await switchForm.getByRole('button', { name: new RegExp(`^(Override and switch|Switch) to v${other}$`) }).click();
  await expect(switchForm).toHaveCount(0);
  await expect(candidate).toHaveAttribute('data-state', 'serving');
  await expect(versionCard(page, name, serving)).toHaveAttribute('data-state', 'previous');
  await expect(log.getByText(new RegExp(`^Switched ${name}( from v${serving})? to v${other}$`)).first()).toBeVisible();
  await expectDashboardShowsData(dashboard);
  await dashboard.reload();
  await expectDashboardShowsData(dashboard);
  await screenshot(page, 'projections-switched');

  // Roll back: the old version serves again.
  await confirm(
    candidate,
    `Roll back to v${serving}`,
    `Roll back to v${serving}`,
    'e2e: back to the old version',
    `Roll back to v${serving}`,
  );
  await expect(versionCard(page, name, serving)).toHaveAttribute('data-state', 'serving');
  await expect(
    log.getByText(new RegExp(`^Rolled ${name} back( from v${other})? to v${serving}$`)).first(),
  ).toBeVisible();
  await expect(log.getByText('e2e: back to the old version').first()).toBeVisible();
  await expectDashboardShowsData(dashboard);
  await dashboard.reload();
  await expectDashboardShowsData(dashboard);
  await screenshot(page, 'projections-rolled-back');
  await context.close();
});

test('a comparison report fits a phone: its table scrolls in its own region', async ({ browser, request }) => {
  const { name, serving, other } = await projectionWithTwoVersions(request);
  const { context, page } = await openOn(browser, 'operator', { width: 390, height: 844 });
  const compare = card(page, name).getByRole('form', { name: `Compare versions of ${name}` });
  await compare.getByLabel('Version A').selectOption(String(serving));
  await compare.getByLabel('Version B').selectOption(String(other));
  await compare.getByRole('button', { name: 'Compare' }).click();
  await expect(card(page, name).getByTestId('comparison-result')).toBeVisible();
  await expectNoHorizontalScroll(page);
  await screenshot(page, 'projections-compared-phone');
  await context.close();
});
