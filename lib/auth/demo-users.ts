import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { hashPassword, verifyPassword } from './passwords';
import type { Role } from './permissions';
import { loggerFor } from '../observability/logger';

// Three demo accounts so a new user can try every role. Their password is
// LEDGERLINE_DEMO_PASSWORD when set (and is reset to it on every start);
// otherwise one is generated at the first start, printed once, and kept in
// <data dir>/demo-password (git-ignored) for the next time.

export const DEMO_USERS: ReadonlyArray<{ username: string; displayName: string; role: Role }> = [
  { username: 'clerk', displayName: 'Casey Clerk', role: 'clerk' },
  { username: 'operator', displayName: 'Olivia Operator', role: 'operator' },
  { username: 'viewer', displayName: 'Victor Viewer', role: 'viewer' },
];

// Fixed ids, so events keep naming the same actor across re-seeds.
const DEMO_IDS: Record<string, string> = {
  clerk: '00000000-0000-4000-8000-00000000c1e2',
  operator: '00000000-0000-4000-8000-0000000000e2',
  viewer: '00000000-0000-4000-8000-00000000f1e3',
};

export const demoPasswordFile = () => path.join(process.env.LEDGERLINE_DATA_DIR ?? '.data', 'demo-password');

export type DemoSeed = {
  created: string[];
  updated: string[];
  passwordSource: 'env' | 'generated' | 'file' | 'unchanged';
};

export async function seedDemoUsers(pool: pg.Pool): Promise<DemoSeed> {
  const { rows } = await pool.query<{ username: string; password_hash: string }>(
    'SELECT username, password_hash FROM users WHERE username = ANY($1::text[])',
    [DEMO_USERS.map((u) => u.username)],
  );
  const existing = new Map(rows.map((r) => [r.username, r.password_hash]));
  const fromEnv = process.env.LEDGERLINE_DEMO_PASSWORD;
  const missing = DEMO_USERS.filter((u) => !existing.has(u.username));

  if (fromEnv) {
    const updated: string[] = [];
    let hash: string | undefined; // one bcrypt run for all of them
    for (const [username, stored] of existing) {
      if (await verifyPassword(fromEnv, stored)) continue;
      hash ??= await hashPassword(fromEnv);
      await pool.query('UPDATE users SET password_hash = $2 WHERE username = $1', [username, hash]);
      updated.push(username);
    }
    await insertUsers(pool, missing, fromEnv);
    return { created: missing.map((u) => u.username), updated, passwordSource: 'env' };
  }

  if (missing.length === 0) return { created: [], updated: [], passwordSource: 'unchanged' };
  const file = demoPasswordFile();
  const kept = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  const password = kept || randomBytes(12).toString('base64url');
  if (!kept) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${password}\n`, { mode: 0o600 });
  }
  await insertUsers(pool, missing, password);
  if (!kept) {
    // The log line never holds the password (logs travel to log stacks); a person at a terminal is shown it once.
    loggerFor('db').warn(
      { users: missing.map((u) => u.username), passwordFile: file },
      `demo users created with a generated password, kept in ${file} (set LEDGERLINE_DEMO_PASSWORD to choose your own)`,
    );
    if (process.stdout.isTTY) console.log(`Demo users' password (shown once): ${password}`);
  }
  return { created: missing.map((u) => u.username), updated: [], passwordSource: kept ? 'file' : 'generated' };
}

async function insertUsers(pool: pg.Pool, users: typeof DEMO_USERS, password: string) {
  if (users.length === 0) return;
  const hash = await hashPassword(password);
  for (const user of users) {
    // ON CONFLICT: another node seeding at the same moment already made it.
    await pool.query(
      `INSERT INTO users (id, username, display_name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (username) DO NOTHING`,
      [DEMO_IDS[user.username], user.username, user.displayName, user.role, hash],
    );
  }
}
