import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Role } from '../../lib/auth/permissions';
import { issueToken } from '../../lib/auth/tokens';

/**
 * A signed session token for a made-up user of `role`, valid on the database
 * behind `pool` (the signing key lives there). A token names its user, so no
 * users row is needed to open a socket or call a read route.
 */
export async function sessionTokenFor(pool: pg.Pool, role: Role = 'viewer'): Promise<string> {
  const id = randomUUID();
  const { token } = await issueToken(pool, { id, username: `test-${id.slice(0, 8)}`, displayName: 'Test User', role });
  return token;
}
