// Where a request carries its session: `Authorization: Bearer <token>` for
// scripts, the httpOnly cookie for browsers. Shared by routes, actions and
// the Socket.IO handshake, so all three accept exactly the same credentials.

export const SESSION_COOKIE = 'll_session';

export function sessionCookieOptions(expiresAt: Date, secure: boolean) {
  return {
    httpOnly: true,
    // Lax: sent on top-level navigation from elsewhere (a link to an order
    // works), never on cross-site POSTs or fetches.
    sameSite: 'lax' as const,
    // Secure only behind HTTPS: a plain-HTTP localhost would never send it back.
    secure,
    path: '/',
    expires: expiresAt,
  };
}

/** A bearer token when the Authorization header has one, else the session cookie, else null. */
export function sessionToken(authorization: string | null | undefined, cookieHeader: string | null | undefined) {
  if (authorization) {
    const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    return match ? match[1]! : null;
  }
  return cookieValue(cookieHeader, SESSION_COOKIE);
}

export function cookieValue(cookieHeader: string | null | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * Only a path on this site: never `//evil.example`, `https://…`, or a path a
 * browser would turn into either (it drops tabs and newlines and reads `\`
 * as `/`, so `/\t/evil.example` means `//evil.example`). The value is
 * resolved against a placeholder origin and kept only if it stays there.
 */
export function safeNextPath(value: unknown): string {
  const fallback = '/orders';
  if (typeof value !== 'string' || !value.startsWith('/') || /[\x00-\x1f\x7f\\]/.test(value)) return fallback;
  const base = 'http://ledgerline.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base || url.pathname.startsWith('//')) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/sign-in') ? fallback : path;
}
