import pg from 'pg';
import { seedDemoUsers } from '../auth/demo-users';
import { applyMigrations } from './migrate';
import { seedReferenceData } from './seed';

/** Migrations, reference data, then the demo accounts; all idempotent, so every start runs them. */
export async function prepareDatabase(url: string) {
  const applied = await applyMigrations(url);
  const seeded = await seedReferenceData(url);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const demoUsers = await seedDemoUsers(pool);
    return { applied, seeded, demoUsers };
  } finally {
    await pool.end();
  }
}
