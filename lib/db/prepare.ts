import pg from 'pg';
import { seedDemoUsers } from '../auth/demo-users';
import { intFromEnv } from '../config/env';
import { DEFAULT_MAX_ADVANCE, ensureTransactionCounterAhead } from '../event-store/transaction-counter';
import { applyMigrations } from './migrate';
import { seedReferenceData } from './seed';
import { loggerFor } from '../observability/logger';

/**
 * Migrations, then the check that new events will sort after the stored ones
 * (it fails only after a restore into a new cluster; see
 * lib/event-store/transaction-counter.ts), reference data, then the demo
 * accounts; all idempotent, so every start runs them.
 */
export async function prepareDatabase(url: string) {
  const applied = await applyMigrations(url);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const xidAdvance = await ensureTransactionCounterAhead(pool, {
      maxAdvance: BigInt(intFromEnv('LEDGERLINE_MAX_XID_ADVANCE', Number(DEFAULT_MAX_ADVANCE), { min: 0 })),
      log: (line) => loggerFor('db').info(line),
    });
    const seeded = await seedReferenceData(url);
    const demoUsers = await seedDemoUsers(pool);
    return { applied, seeded, demoUsers, xidAdvance };
  } finally {
    await pool.end();
  }
}
