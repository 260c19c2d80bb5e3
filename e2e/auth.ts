import path from 'node:path';
import { expect, type Page } from '@playwright/test';

// The server under test seeds its demo users with this password (see
// playwright.config.ts); auth.setup.ts signs each one in once per run.
export const DEMO_PASSWORD = 'e2e-demo-password';
export type DemoRole = 'clerk' | 'operator' | 'viewer';

/** Saved cookies of a signed-in demo user, for `test.use({ storageState })` or `browser.newContext({ storageState })`. */
export const authState = (role: DemoRole) => path.join('.data', 'e2e', 'auth', `${role}.json`);

export async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function expectSignedInAs(page: Page, displayName: string) {
  await expect(page.getByTestId('signed-in-user')).toContainText(displayName);
}
