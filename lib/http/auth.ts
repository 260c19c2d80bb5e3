import 'server-only';
import { can, ROLE_LABELS, type Permission, type SessionUser } from '../auth/permissions';
import { sessionToken } from '../auth/session-cookie';
import { verifyToken } from '../auth/tokens';
import { forbidden, unauthenticated } from '../errors';
import { getServices } from '../server/services';

/**
 * Every API route starts here: who is calling (bearer token or session
 * cookie) and may they do this? Throws 401 or 403 before the route reads its
 * input, so a refused request never writes anything.
 */
export async function authorize(req: Request, permission: Permission): Promise<SessionUser> {
  const token = sessionToken(req.headers.get('authorization'), req.headers.get('cookie'));
  const user = token ? await verifyToken(getServices().pool, token) : null;
  if (!user) {
    throw unauthenticated(token ? 'Your session has expired or is not valid. Sign in again.' : 'Sign in first.');
  }
  return assertCan(user, permission);
}

export function assertCan(user: SessionUser, permission: Permission): SessionUser {
  if (!can(user.role, permission)) throw forbidden(`${ROLE_LABELS[user.role]}s may not ${DESCRIPTIONS[permission]}.`);
  return user;
}

const DESCRIPTIONS: Record<Permission, string> = {
  read: 'read this',
  'orders:write': 'place, ship, re-address or cancel orders',
  'orders:adjust': 'adjust prices',
  'projections:operate': 'operate projections',
  'metrics:read': 'read the metrics',
};
