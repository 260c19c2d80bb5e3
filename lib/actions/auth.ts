'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { clientAddress, viaHttps } from '@/lib/auth/client-address';
import { safeNextPath, SESSION_COOKIE, sessionCookieOptions } from '@/lib/auth/session-cookie';
import { signIn, signInSchema } from '@/lib/auth/sign-in';
import { issueToken, revokeToken } from '@/lib/auth/tokens';
import { toActionError, type ActionError } from '@/lib/actions/result';
import { getServices } from '@/lib/server/services';

export type SignInState = { error?: ActionError; username?: string };

/** Form action for /sign-in (useActionState): sets the session cookie and goes where the user was headed. */
export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const raw = { username: form.get('username'), password: form.get('password') };
  const next = safeNextPath(form.get('next'));
  let expiresAt: Date;
  let token: string;
  try {
    const input = signInSchema.parse(raw);
    const requestHeaders = await headers();
    const { pool } = getServices();
    const user = await signIn(pool, input, clientAddress(requestHeaders));
    ({ token, expiresAt } = await issueToken(pool, user));
    (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(expiresAt, viaHttps(requestHeaders)));
  } catch (error) {
    return { error: toActionError('signIn', error), username: typeof raw.username === 'string' ? raw.username : '' };
  }
  redirect(next);
}

export type SignInAgainResult = { ok: true } | { ok: false; error: ActionError };

/**
 * For the "session ended" dialog: signs in and sets the cookie like
 * signInAction, but stays on the page (no redirect), so the form the user was
 * filling in keeps its contents and can be sent again.
 */
export async function signInAgainAction(input: { username: string; password: string }): Promise<SignInAgainResult> {
  try {
    const parsed = signInSchema.parse(input);
    const requestHeaders = await headers();
    const { pool } = getServices();
    const user = await signIn(pool, parsed, clientAddress(requestHeaders));
    const { token, expiresAt } = await issueToken(pool, user);
    (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(expiresAt, viaHttps(requestHeaders)));
    return { ok: true };
  } catch (error) {
    return { ok: false, error: toActionError('signInAgain', error) };
  }
}

/** Ends the session itself, not only the cookie: a copy of the token stops working too. */
export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) await revokeToken(getServices().pool, token);
  jar.delete(SESSION_COOKIE);
  redirect('/sign-in');
}
