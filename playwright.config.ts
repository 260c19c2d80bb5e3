import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { authState, DEMO_PASSWORD } from './e2e/auth';
import { BASE_URL, E2E_PORT } from './e2e/base-url';

// Real browser against the real server: `npm start` builds when sources
// changed, then serves with its own embedded PostgreSQL under .data/e2e, so
// tests never touch the data of a server someone runs by hand.

// `npx playwright install` cannot download browsers on machines without
// internet; Debian's Chromium works where it is installed.
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

const LAUNCH_OPTIONS = {
  ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
  // Without the networking flags Chromium floods a closed network with refused connections.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/artifacts',
  // One server and one database shared by all tests: run them one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: BASE_URL,
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
  projects: [
    // Signs the demo users in once; every other test starts signed in as the
    // operator (who may do everything) unless it picks another role.
    { name: 'setup', testMatch: /auth\.setup\.ts$/, use: { launchOptions: LAUNCH_OPTIONS } },
    {
      name: 'chromium',
      dependencies: ['setup'],
      use: {
        ...devices['Desktop Chrome'],
        storageState: authState('operator'),
        launchOptions: LAUNCH_OPTIONS,
      },
    },
  ],
  webServer: {
    command: 'npm start',
    url: `${BASE_URL}/api/health`,
    env: {
      PORT: String(E2E_PORT),
      LEDGERLINE_DATA_DIR: '.data/e2e',
      LEDGERLINE_DEMO_PASSWORD: DEMO_PASSWORD,
      // Every run signs in several times from 127.0.0.1 into a database that persists between runs.
      LEDGERLINE_SIGNIN_MAX_PER_CLIENT: '10000',
    },
    // The first start builds the app and initialises a database.
    timeout: 300_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
