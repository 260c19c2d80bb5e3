import type pg from 'pg';
import type { SessionUser } from './permissions';
import { sessionToken } from './session-cookie';
import { verifyToken } from './tokens';

/** The part of a Socket.IO handshake that carries credentials. */
export type Handshake = { headers: Record<string, string | string[] | undefined>; auth: Record<string, unknown> };

/**
 * Who opened a Socket.IO connection: a browser sends its session cookie with
 * the handshake; a script passes `auth: { token }` (or an Authorization
 * header). Null refuses the connection; the token is kept to re-check the
 * session while the socket is open. Every live view is readable by every
 * role, so being signed in is all a socket needs.
 */
export async function authenticateHandshake(
  pool: pg.Pool,
  handshake: Handshake,
): Promise<{ user: SessionUser; token: string } | null> {
  const header = (name: string) => {
    const value = handshake.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const explicit =
    typeof handshake.auth.token === 'string' ? `Bearer ${handshake.auth.token}` : header('authorization');
  const token = sessionToken(explicit, header('cookie'));
  const user = token ? await verifyToken(pool, token) : null;
  return user && token ? { user, token } : null;
}
