import 'server-only';
import { pendingMigrations } from '../db/migration-status';
import { RETRY_AFTER_SECONDS } from '../db/unavailable';
import type { Queryable } from '../event-store/store';
import { workersHealth } from '../projections/worker-health';
import { errorMessage } from '../observability/logger';
import { probe } from './health';

export type Check = { ok: boolean; error?: string } & Record<string, unknown>;
export type Readiness = {
  status: 'ready' | 'not_ready';
  /** The checks that failed, by name; empty when ready. */
  failed: string[];
  checks: { database: Check; migrations: Check; worker: Check };
};

/**
 * Readiness: the database answers, every migration this code ships is
 * applied, and, where this process runs the projection worker, it is
 * running. Each check says what it found; the migrations are not checked
 * when the database is down (that says nothing more).
 */
export async function readiness(db: Queryable): Promise<Readiness> {
  let databaseError: string | undefined;
  const up = await probe(
    () => db.query('SELECT 1'),
    2_000,
    (error) => (databaseError = errorMessage(error)),
  );
  const database: Check = up ? { ok: true } : { ok: false, error: databaseError ?? 'no answer' };

  let migrations: Check;
  if (!up) migrations = { ok: false, error: 'not checked: the database is down' };
  else {
    try {
      const pending = await pendingMigrations(db);
      migrations = pending.length
        ? { ok: false, pending, error: `${pending.length} migration(s) not applied: run npm run db:migrate` }
        : { ok: true, pending };
    } catch (error) {
      migrations = { ok: false, error: `cannot read _prisma_migrations: ${errorMessage(error)}` };
    }
  }

  const workers = workersHealth();
  const worker: Check =
    workers.length === 0
      ? { ok: true, inProcess: false }
      : workers.every((w) => w.running)
        ? { ok: true, inProcess: true, workers }
        : { ok: false, inProcess: true, workers, error: 'the projection worker of this process is stopped or stuck' };

  const checks = { database, migrations, worker };
  const failed = Object.entries(checks)
    .filter(([, check]) => !check.ok)
    .map(([name]) => name);
  return { status: failed.length ? 'not_ready' : 'ready', failed, checks };
}

export const readinessHeaders = (ready: boolean): Record<string, string> =>
  ready ? { 'Cache-Control': 'no-store' } : { 'Cache-Control': 'no-store', 'Retry-After': String(RETRY_AFTER_SECONDS) };
