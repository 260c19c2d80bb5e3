import { randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type pg from 'pg';
import { z } from 'zod';
import type { SessionUser } from './permissions';
import { sessionUserOf } from './users';

// Sessions and bearer tokens are the same signed JWT (HS256) naming a row of
// `sessions`. The browser keeps it in an httpOnly, SameSite cookie; scripts
// send it as `Authorization: Bearer`. The signature proves who issued it; the
// row, looked at most every SESSION_CHECK_TTL_MS per node, says whether it
// still counts and what the user's role is now.

export const SESSION_TTL_SECONDS = 8 * 60 * 60;
const ISSUER = 'ledgerline';
const SECRET_NAME = 'session-signing-key';

// On globalThis: route handlers, server actions and pages are bundled apart
// and would each hold copies of their own; one process shares one key and
// one view of the sessions, so a sign-out in one reaches the others at once.
type LiveSession = { ownerId: string; user: SessionUser };
type Checked = { session: Promise<LiveSession | null>; checkedAt: number };
const shared = globalThis as unknown as {
  ledgerlineSigningKey?: Promise<CryptoKey>;
  ledgerlineSessions?: Map<string, Checked>;
};
const checked = (shared.ledgerlineSessions ??= new Map());

/**
 * LEDGERLINE_SESSION_SECRET when set; otherwise a random key generated once
 * and stored in app_secrets, so every web node and restart shares it with no
 * configuration.
 */
export function signingKey(pool: pg.Pool): Promise<CryptoKey> {
  // Imported once: given raw bytes, jose would import them on every check,
  // which cost as much CPU as the check itself.
  shared.ledgerlineSigningKey ??= loadKey(pool)
    .then((bytes) =>
      crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    )
    .catch((error: unknown) => {
      shared.ledgerlineSigningKey = undefined; // a failed load is retried by the next request
      throw error;
    });
  return shared.ledgerlineSigningKey;
}

async function loadKey(pool: pg.Pool): Promise<Uint8Array<ArrayBuffer>> {
  const fromEnv = process.env.LEDGERLINE_SESSION_SECRET;
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('LEDGERLINE_SESSION_SECRET must be at least 32 characters.');
    return new TextEncoder().encode(fromEnv);
  }
  // Racing nodes both try to insert; the first wins and all read the winner.
  await pool.query('INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    SECRET_NAME,
    randomBytes(32).toString('base64url'),
  ]);
  const { rows } = await pool.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [SECRET_NAME]);
  return new Uint8Array(Buffer.from(rows[0]!.value, 'base64url'));
}

/**
 * How long a node trusts its last look at a session row. Within it a token
 * costs a signature check and a Map lookup; past it, one primary-key query.
 * So a sign-out, a role change or a deleted account counts at once on the
 * node that made it and within this long on every other node.
 */
export const SESSION_CHECK_TTL_MS = 5_000;
const CACHE_LIMIT = 10_000;

/**
 * A signed token for `user`, backed by a sessions row (the token's jti) that
 * sign-out revokes. Also clears sessions a day past their expiry.
 */
export async function issueToken(pool: pg.Pool, user: SessionUser, now = new Date()) {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + SESSION_TTL_SECONDS;
  const sessionId = randomUUID();
  await pool.query('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    sessionId,
    user.id,
    new Date(issuedAt * 1000),
    new Date(expiresAt * 1000),
  ]);
  await pool.query(`DELETE FROM sessions WHERE expires_at < now() - interval '1 day'`);
  // Only ids: who the user is and may do is read from the database, so a
  // name or role inside the token could only be stale.
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setJti(sessionId)
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(await signingKey(pool));
  return { token, expiresAt: new Date(expiresAt * 1000), sessionId };
}

/**
 * The signed-in user a token stands for, as the users table has them now (so
 * a changed role counts), or null when the token is malformed, forged or
 * expired, or its session was revoked or its user deleted.
 */
export async function verifyToken(pool: pg.Pool, token: string): Promise<SessionUser | null> {
  const claims = await verifiedClaims(pool, token);
  return claims ? sessionUser(pool, claims.sessionId, claims.userId) : null;
}

/**
 * Ends the session a token belongs to, everywhere (see SESSION_CHECK_TTL_MS).
 * False when the token is not valid or its session had already ended.
 */
export async function revokeToken(pool: pg.Pool, token: string): Promise<boolean> {
  const claims = await verifiedClaims(pool, token);
  if (!claims) return false;
  const { rowCount } = await pool.query(
    'UPDATE sessions SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
    [claims.sessionId, claims.userId],
  );
  checked.delete(claims.sessionId);
  return rowCount === 1;
}

const SESSION_ID = z.uuid();

type Claims = { userId: string; sessionId: string; expiresAtMs: number };

// Tokens whose signature this process has checked: the same bytes under the
// same key verify the same way every time, so a repeat costs a Map lookup
// and the expiry check instead of an HMAC (a third of a read's CPU in the
// profile of GET /api/orders). Only valid tokens are kept, at most CACHE_LIMIT.
const verified = ((globalThis as unknown as { ledgerlineVerified?: Map<string, Claims> }).ledgerlineVerified ??=
  new Map());

async function verifiedClaims(pool: pg.Pool, token: string): Promise<Claims | null> {
  const known = verified.get(token);
  if (known) {
    if (Date.now() < known.expiresAtMs) return known;
    verified.delete(token);
    return null;
  }
  try {
    const { payload } = await jwtVerify(token, await signingKey(pool), { issuer: ISSUER, algorithms: ['HS256'] });
    const { sub, jti, exp } = payload;
    // A session id is a UUID we issued; anything else (an older token without one) is not a session.
    if (typeof sub !== 'string' || typeof jti !== 'string' || !SESSION_ID.safeParse(jti).success) return null;
    // Every token we issue has an exp, which jwtVerify has checked; one without is not ours.
    if (typeof exp !== 'number') return null;
    const claims = { userId: sub, sessionId: jti, expiresAtMs: exp * 1000 };
    verified.set(token, claims);
    if (verified.size > CACHE_LIMIT) verified.delete(verified.keys().next().value!);
    return claims;
  } catch (error) {
    // jose's errors all carry an ERR_J… code (ERR_JWS_INVALID, ERR_JWT_EXPIRED, …);
    // checked by code because bundled chunks may load jose twice.
    if (String((error as { code?: unknown })?.code ?? '').startsWith('ERR_J')) return null;
    throw error;
  }
}

/**
 * The session's user as the database has them now, looked up at most once per
 * SESSION_CHECK_TTL_MS per session: concurrent checks of one session (a page,
 * its layouts, a socket sweep) share one lookup. What is remembered is the
 * session row itself, whoever asked: a token whose subject is not the
 * session's owner gets null, but cannot make the owner's next check fail.
 */
async function sessionUser(pool: pg.Pool, sessionId: string, userId: string): Promise<SessionUser | null> {
  const session = await liveSession(pool, sessionId);
  return session && session.ownerId === userId ? session.user : null;
}

function liveSession(pool: pg.Pool, sessionId: string): Promise<LiveSession | null> {
  const hit = checked.get(sessionId);
  if (hit && Date.now() - hit.checkedAt < SESSION_CHECK_TTL_MS) return hit.session;
  const session = pool
    .query<{ id: string; username: string; display_name: string; role: string }>(
      `SELECT u.id, u.username, u.display_name, u.role
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [sessionId],
    )
    .then(({ rows }) => {
      const user = rows[0] ? sessionUserOf(rows[0]) : null;
      return user ? { ownerId: user.id, user } : null;
    });
  // Oldest first out: a Map iterates in insertion order, and a re-check re-inserts.
  checked.delete(sessionId);
  checked.set(sessionId, { session, checkedAt: Date.now() });
  if (checked.size > CACHE_LIMIT) checked.delete(checked.keys().next().value!);
  // A failed lookup is not remembered: the next check asks again.
  session.catch(() => {
    if (checked.get(sessionId)?.session === session) checked.delete(sessionId);
  });
  return session;
}
