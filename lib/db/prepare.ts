import { applyMigrations } from './migrate';
import { seedReferenceData } from './seed';

/** Migrations then reference data; both are idempotent, so every start runs them. */
export async function prepareDatabase(url: string) {
  const applied = await applyMigrations(url);
  const seeded = await seedReferenceData(url);
  return { applied, seeded };
}
