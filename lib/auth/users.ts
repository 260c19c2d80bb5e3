import type pg from 'pg';
import { isRole, type SessionUser } from './permissions';

type UserRow = { id: string; username: string; display_name: string; role: string; password_hash: string };

export type StoredUser = SessionUser & { passwordHash: string };

export async function findUserByUsername(pool: pg.Pool, username: string): Promise<StoredUser | null> {
  const { rows } = await pool.query<UserRow>(
    'SELECT id, username, display_name, role, password_hash FROM users WHERE username = $1',
    [username.toLowerCase()],
  );
  const row = rows[0];
  const user = row ? sessionUserOf(row) : null;
  return user && { ...user, passwordHash: row!.password_hash };
}

/** A users row as every layer sees it; null for a role this code does not know. */
export function sessionUserOf(row: Omit<UserRow, 'password_hash'>): SessionUser | null {
  return isRole(row.role)
    ? { id: row.id, username: row.username, displayName: row.display_name, role: row.role }
    : null;
}

export function toSessionUser({ id, username, displayName, role }: StoredUser): SessionUser {
  return { id, username, displayName, role };
}
