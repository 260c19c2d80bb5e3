import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Role } from '../../lib/auth/permissions';
import { issueToken } from '../../lib/auth/tokens';

/**
 * A signed session token for a new user of `role` on the database behind
 * `pool` (the signing key and the sessions row live there). `issuedAt` in the
 * past makes an expired one.
 */
export async function sessionTokenFor(pool: pg.Pool, role: Role = 'viewer', issuedAt = new Date()): Promise<string> {
  const id = randomUUID();
  const user = { id, username: `test-${id.slice(0, 8)}`, displayName: 'Test User', role };
  await pool.query(
    `INSERT INTO users (id, username, display_name, role, password_hash) VALUES ($1, $2, $3, $4, 'not a hash')`,
    [user.id, user.username, user.displayName, user.role],
  );
  return (await issueToken(pool, user, issuedAt)).token;
}
