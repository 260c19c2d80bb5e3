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

/** Behind a TLS-terminating proxy the request URL says http; the forwarded header says what the browser used. */
export function isHttps(url: string, forwardedProto: string | null | undefined) {
  return (forwardedProto?.split(',')[0]?.trim() ?? new URL(url).protocol.replace(':', '')) === 'https';
}

/** Only a path on this site: never `//evil.example` or `https://…`, which would make sign-in an open redirect. */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return '/orders';
  }
  return value.startsWith('/sign-in') ? '/orders' : value;
}
