import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../event-store/store';

/** Where the migrations live (prisma/migrations, one folder each); lib/db/migrate.ts applies them. */
export const MIGRATIONS_DIR = path.join(process.cwd(), 'prisma', 'migrations');

let known: string[] | undefined;

/** The migrations this build of the code ships, by folder name (read once: they do not change while it runs). */
export function shippedMigrations(): string[] {
  known ??= readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return known;
}

/** The shipped migrations the database has not applied (finished and not rolled back) in `_prisma_migrations`. */
export async function pendingMigrations(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ migration_name: string }>(
    'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return shippedMigrations().filter((name) => !applied.has(name));
}
