import type pg from 'pg';
import { intFromEnv } from '../config/env';

// Fixed windows counted in PostgreSQL: one atomic upsert per key, so racing
// requests on any number of web nodes cannot slip past the limit together.

export type Limit = { key: string; max: number };

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

/** Failed attempts a username may have per window before it is paused. */
export const SIGN_IN_MAX_PER_USER = intFromEnv('LEDGERLINE_SIGNIN_MAX_PER_USER', 10, { min: 1 });
/** Attempts one client address may make per window, whatever the username. */
export const SIGN_IN_MAX_PER_CLIENT = intFromEnv('LEDGERLINE_SIGNIN_MAX_PER_CLIENT', 50, { min: 1 });

function windowStart(now: Date) {
  return new Date(Math.floor(now.getTime() / SIGN_IN_WINDOW_MS) * SIGN_IN_WINDOW_MS);
}

/**
 * Counts one attempt against every key. Returns the seconds to wait when any
 * key is over its limit, else null. Every key's past windows are deleted as we
 * go, so the table holds one window's attempts, whatever names were tried.
 */
export async function countAttempt(pool: pg.Pool, limits: Limit[], now = new Date()): Promise<number | null> {
  const start = windowStart(now);
  const { rows } = await pool.query<{ key: string; attempts: number }>(
    `WITH gone AS (DELETE FROM sign_in_attempts WHERE window_start < $2)
     INSERT INTO sign_in_attempts (key, window_start, attempts)
     SELECT k, $2, 1 FROM unnest($1::text[]) AS k
     ON CONFLICT (key, window_start) DO UPDATE SET attempts = sign_in_attempts.attempts + 1
     RETURNING key, attempts`,
    [limits.map((l) => l.key), start],
  );
  const over = rows.some((row) => row.attempts > limits.find((l) => l.key === row.key)!.max);
  if (!over) return null;
  return Math.max(1, Math.ceil((start.getTime() + SIGN_IN_WINDOW_MS - now.getTime()) / 1000));
}

/** A successful sign-in forgives the username's failures (not the client's). */
export async function forgive(pool: pg.Pool, key: string, now = new Date()) {
  await pool.query('DELETE FROM sign_in_attempts WHERE key = $1 AND window_start = $2', [key, windowStart(now)]);
}
