import 'server-only';
import { trustsProxy } from '../auth/client-address';
import { cookieValue, SESSION_COOKIE } from '../auth/session-cookie';
import { AppError, forbidden } from '../errors';

// A browser sends the SameSite=Lax session cookie with requests from every
// page of the same *site*, and another port of this host is the same site.
// So a cookie-authenticated write must show that one of our own pages sent
// it, and must be JSON: a cross-origin page can post text/plain or form data
// without a preflight, never application/json. Bearer tokens are not sent by
// browsers on their own, so scripts that use them are not affected.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Throws 403 or 415 for a cookie-authenticated write that a page of another origin could have sent. */
export function assertOwnPageWrite(req: Request): void {
  if (SAFE_METHODS.has(req.method) || req.headers.has('authorization')) return;
  // No session cookie: nothing to forge with, and authorize() answers 401.
  if (cookieValue(req.headers.get('cookie'), SESSION_COOKIE) === null) return;

  const refusal = foreignSender(req.headers, ownHost(req));
  if (refusal !== null) {
    throw forbidden(
      `${refusal} A write signed in by cookie must come from a Ledgerline page; scripts send Authorization: Bearer <token>.`,
    );
  }
  if (BODY_METHODS.has(req.method) && !isJson(req.headers.get('content-type'))) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as Content-Type: application/json.');
  }
}

/**
 * Why the sender is not one of our pages, or null when it is. Origin first;
 * a browser that sends none still sends Sec-Fetch-Site; the Referer is the
 * last resort. No evidence at all is a refusal.
 */
function foreignSender(headers: Headers, ours: string): string | null {
  const origin = headers.get('origin');
  if (origin !== null) return sameHost(origin, ours) ? null : `The request came from ${origin}.`;
  const site = headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' ? null : `The request came from a ${site} page.`;
  const referer = headers.get('referer');
  if (referer !== null) return sameHost(referer, ours) ? null : `The request came from ${referer}.`;
  return 'The request does not say which page sent it (no Origin, Sec-Fetch-Site or Referer).';
}

function sameHost(url: string, ours: string): boolean {
  return hostOf(url)?.toLowerCase() === ours.toLowerCase();
}

function hostOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : null;
  } catch {
    return null;
  }
}

/** The host:port browsers address us by: the Host header, or a trusted proxy's X-Forwarded-Host. */
function ownHost(req: Request): string {
  const forwarded = trustsProxy() ? req.headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return forwarded || req.headers.get('host') || new URL(req.url).host;
}

function isJson(contentType: string | null): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
