import { NextResponse, type NextRequest } from 'next/server';
import { refuseOversizedAction } from './lib/http/action-size';
import { newNonce, pagePolicy } from './lib/http/security-headers';
import { SESSION_COOKIE } from './lib/auth/session-cookie';

const SIGN_IN = '/sign-in';

// An optimistic first gate for pages: no session cookie → the sign-in page,
// remembering where the user was going. It does not verify the cookie (pages,
// routes, actions and sockets each do that themselves); it only saves a
// render for visitors who are plainly not signed in. API routes answer 401
// JSON on their own and are not matched here. Every page, the sign-in page
// too, gets its Content-Security-Policy with a fresh nonce here.
export async function proxy(request: NextRequest) {
  const tooLarge = await refuseOversizedAction(request);
  if (tooLarge) return tooLarge;
  const path = request.nextUrl.pathname + request.nextUrl.search;
  const signingIn = request.nextUrl.pathname === SIGN_IN;
  // A server action (Next-Action header) is not redirected: a redirect would
  // reach the form as a failed call ("could not be reached"), while the action
  // itself answers UNAUTHENTICATED, which the page turns into "sign in again".
  const serverAction = request.method === 'POST' && request.headers.has('next-action');
  if (!signingIn && !serverAction && !request.cookies.get(SESSION_COOKIE)?.value) {
    const url = new URL(SIGN_IN, request.url);
    if (path !== '/') url.searchParams.set('next', path);
    return NextResponse.redirect(url);
  }
  const policy = pagePolicy(newNonce(), { dev: process.env.NODE_ENV === 'development' });
  const headers = new Headers(request.headers);
  // Next.js reads the nonce for its scripts from the request's policy.
  headers.set('content-security-policy', policy);
  // Pages that find the cookie expired send the user back here after sign-in.
  if (!signingIn) headers.set('x-ledgerline-path', path);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Every page: everything but the API, Next.js assets and the icon.
  matcher: ['/((?!api/|_next/|icon\\.svg|favicon\\.ico|robots\\.txt).*)'],
};
