import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedDemoUsers } from '../../lib/auth/demo-users';
import { signIn } from '../../lib/auth/sign-in';
import { isolatedDatabase } from '../support/db';

// The first start of a fresh install: no LEDGERLINE_DEMO_PASSWORD, so the
// password is generated, printed once and kept under the data directory.

let pool: pg.Pool;
let dataDir: string;
const saved = { password: process.env.LEDGERLINE_DEMO_PASSWORD, dataDir: process.env.LEDGERLINE_DATA_DIR };

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await isolatedDatabase(), max: 2 });
});
afterAll(async () => {
  await pool.end();
});

beforeEach(async () => {
  // The template database comes with the suite's demo users: start from none.
  await pool.query('DELETE FROM users');
  dataDir = await mkdtemp(path.join(tmpdir(), 'll-demo-'));
  process.env.LEDGERLINE_DATA_DIR = dataDir;
  delete process.env.LEDGERLINE_DEMO_PASSWORD;
});
// The password is shown to a person at a terminal, never written to the logs.
const stdoutIsTTY = process.stdout.isTTY;
const atTerminal = (value: boolean) =>
  Object.defineProperty(process.stdout, 'isTTY', { value, configurable: true, writable: true });
afterEach(async () => {
  vi.restoreAllMocks();
  atTerminal(stdoutIsTTY);
  restore('LEDGERLINE_DEMO_PASSWORD', saved.password);
  restore('LEDGERLINE_DATA_DIR', saved.dataDir);
  await rm(dataDir, { recursive: true, force: true });
});

/** Assigning undefined to process.env would store the string "undefined". */
function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

const signsIn = (username: string, password: string) =>
  signIn(pool, { username, password }, 'demo-users-test').then(
    (user) => user.role,
    (error: { code?: string }) => error.code,
  );

describe('demo users', () => {
  it('on a first start generates one password, prints it once and keeps it in a private file', async () => {
    atTerminal(true);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const first = await seedDemoUsers(pool);
    expect(first).toEqual({ created: ['clerk', 'operator', 'viewer'], updated: [], passwordSource: 'generated' });

    const file = path.join(dataDir, 'demo-password');
    const password = (await readFile(file, 'utf8')).trim();
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]![0])).toContain(password);

    for (const role of ['clerk', 'operator', 'viewer']) expect(await signsIn(role, password)).toBe(role);
    expect(await signsIn('clerk', `${password}x`)).toBe('UNAUTHENTICATED');

    // The next start changes nothing and prints nothing.
    expect(await seedDemoUsers(pool)).toEqual({ created: [], updated: [], passwordSource: 'unchanged' });
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('re-creates missing users with the kept password, without printing it again', async () => {
    atTerminal(true);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await seedDemoUsers(pool);
    const password = (await readFile(path.join(dataDir, 'demo-password'), 'utf8')).trim();
    await pool.query(`DELETE FROM users WHERE username = 'viewer'`);

    expect(await seedDemoUsers(pool)).toEqual({ created: ['viewer'], updated: [], passwordSource: 'file' });
    expect(await signsIn('viewer', password)).toBe('viewer');
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('with LEDGERLINE_DEMO_PASSWORD, resets every demo user to it and writes no file', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await seedDemoUsers(pool);
    await rm(path.join(dataDir, 'demo-password'));
    process.env.LEDGERLINE_DEMO_PASSWORD = 'chosen-demo-password';

    const seeded = await seedDemoUsers(pool);
    expect(seeded.passwordSource).toBe('env');
    expect([...seeded.updated].sort()).toEqual(['clerk', 'operator', 'viewer']);
    expect(await signsIn('operator', 'chosen-demo-password')).toBe('operator');
    await expect(stat(path.join(dataDir, 'demo-password'))).rejects.toThrow();
  });
});
