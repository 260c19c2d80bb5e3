import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type pg from 'pg';
import { isRole, type SessionUser } from './permissions';

// Sessions and bearer tokens are the same signed JWT (HS256), so checking one
// costs a signature check and no database round trip. The browser keeps it in
// an httpOnly, SameSite cookie; scripts send it as `Authorization: Bearer`.
// The trade-off: a role change or a deleted account takes effect when the
// token expires (SESSION_TTL_SECONDS), not at once.

export const SESSION_TTL_SECONDS = 8 * 60 * 60;
const ISSUER = 'ledgerline';
const SECRET_NAME = 'session-signing-key';

let keyPromise: Promise<CryptoKey> | undefined;

/**
 * LEDGERLINE_SESSION_SECRET when set; otherwise a random key generated once
 * and stored in app_secrets, so every web node and restart shares it with no
 * configuration.
 */
export function signingKey(pool: pg.Pool): Promise<CryptoKey> {
  // Imported once: given raw bytes, jose would import them on every check,
  // which cost as much CPU as the check itself.
  keyPromise ??= loadKey(pool)
    .then((bytes) =>
      crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    )
    .catch((error: unknown) => {
      keyPromise = undefined; // a failed load is retried by the next request
      throw error;
    });
  return keyPromise;
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

export async function issueToken(pool: pg.Pool, user: SessionUser, now = new Date()) {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + SESSION_TTL_SECONDS;
  const token = await new SignJWT({ username: user.username, name: user.displayName, role: user.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(await signingKey(pool));
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** The user a token names, or null when it is malformed, forged or expired. */
export async function verifyToken(pool: pg.Pool, token: string): Promise<SessionUser | null> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(pool), { issuer: ISSUER, algorithms: ['HS256'] });
    const { sub, username, name, role } = payload;
    if (typeof sub !== 'string' || typeof username !== 'string' || typeof name !== 'string' || !isRole(role)) {
      return null;
    }
    return { id: sub, username, displayName: name, role };
  } catch (error) {
    // jose's errors all carry an ERR_J… code (ERR_JWS_INVALID, ERR_JWT_EXPIRED, …);
    // checked by code because bundled chunks may load jose twice.
    if (String((error as { code?: unknown })?.code ?? '').startsWith('ERR_J')) return null;
    throw error;
  }
}
