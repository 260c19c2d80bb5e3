import type pg from 'pg';
import { z } from 'zod';
import { rateLimited, unauthenticated } from '../errors';
import { burnPasswordCheck, verifyPassword } from './passwords';
import type { SessionUser } from './permissions';
import { countAttempt, forgive, SIGN_IN_MAX_PER_CLIENT, SIGN_IN_MAX_PER_USER, type Limit } from './rate-limit';
import { findUserByUsername, toSessionUser } from './users';

export const signInSchema = z.object({
  username: z
    .string({ error: 'Enter your username.' })
    .trim()
    .min(1, 'Enter your username.')
    .max(64, 'Usernames are at most 64 characters.')
    .transform((s) => s.toLowerCase()),
  password: z
    .string({ error: 'Enter your password.' })
    .min(1, 'Enter your password.')
    .max(200, 'Passwords are at most 200 characters.'),
});
export type SignInInput = z.output<typeof signInSchema>;

/**
 * Checks a username and password. Every attempt counts against the username
 * and the client address first, so guessing is slowed down on all nodes
 * alike; a success forgives the username's failures.
 */
export async function signIn(pool: pg.Pool, input: SignInInput, client: string | null): Promise<SessionUser> {
  const userKey = `user:${input.username}`;
  const limits: Limit[] = [{ key: userKey, max: SIGN_IN_MAX_PER_USER }];
  if (client) limits.push({ key: `client:${client}`, max: SIGN_IN_MAX_PER_CLIENT });
  const retryAfter = await countAttempt(pool, limits);
  if (retryAfter !== null) throw rateLimited(retryAfter);

  const user = await findUserByUsername(pool, input.username);
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : await burnPasswordCheck(input.password);
  // One message for both cases, so the answer does not reveal which usernames exist.
  if (!user || !ok) throw unauthenticated('Wrong username or password.');
  await forgive(pool, userKey);
  return toSessionUser(user);
}
