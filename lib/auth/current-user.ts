import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { assertCan } from '../http/auth';
import { unauthenticated } from '../errors';
import { getServices } from '../server/services';
import type { Permission, SessionUser } from './permissions';
import { SESSION_COOKIE } from './session-cookie';
import { verifyToken } from './tokens';

/**
 * The signed-in user of the current page render or server action, or null.
 * Once per request: the root layout, nested layouts and the page all ask.
 */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? verifyToken(getServices().pool, token) : null;
});

/**
 * For pages: no valid session → the sign-in page, coming back here after.
 * proxy.ts already redirects when there is no cookie at all; this catches
 * expired and forged ones, and is the check that counts.
 */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (user) return user;
  const path = (await headers()).get('x-ledgerline-path');
  redirect(path ? `/sign-in?next=${encodeURIComponent(path)}` : '/sign-in');
}

/** For server actions: the same 401/403 as the API, returned to the form as an ActionResult. */
export async function authorizeAction(permission: Permission): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw unauthenticated('Your session has ended. Sign in again.');
  return assertCan(user, permission);
}
