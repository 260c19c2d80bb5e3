import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIE } from './lib/auth/session-cookie';

// An optimistic first gate for pages: no session cookie → the sign-in page,
// remembering where the user was going. It does not verify the cookie (pages,
// routes, actions and sockets each do that themselves); it only saves a
// render for visitors who are plainly not signed in. API routes answer 401
// JSON on their own and are not matched here.
export function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname + request.nextUrl.search;
  if (!request.cookies.get(SESSION_COOKIE)?.value) {
    const url = new URL('/sign-in', request.url);
    if (path !== '/') url.searchParams.set('next', path);
    return NextResponse.redirect(url);
  }
  // Pages that find the cookie expired send the user back here after sign-in.
  const headers = new Headers(request.headers);
  headers.set('x-ledgerline-path', path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Everything but the API, the sign-in page, Next.js assets and the icon.
  matcher: ['/((?!api/|sign-in|_next/|icon\\.svg|favicon\\.ico|robots\\.txt).*)'],
};
