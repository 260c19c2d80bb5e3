import { authState, expectSignedInAs, signIn, type DemoRole } from './auth';
import { test as setup } from './helpers';

// Signs each demo user in through the real sign-in page once, and saves the
// session cookie for the tests that act as that user.
const USERS: Array<{ role: DemoRole; name: string }> = [
  { role: 'clerk', name: 'Casey Clerk' },
  { role: 'operator', name: 'Olivia Operator' },
  { role: 'viewer', name: 'Victor Viewer' },
];

for (const { role, name } of USERS) {
  setup(`sign in as ${role}`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await signIn(page, role);
    await page.waitForURL('**/orders');
    await expectSignedInAs(page, name);
    await context.storageState({ path: authState(role) });
    await context.close();
  });
}
