// npm run db:migrate: applies pending migrations and seeds reference data.
import { prepareDatabase } from '../lib/db/prepare';
import { resolveDatabase } from '../lib/db/resolve';

const db = await resolveDatabase();
try {
  const { applied, seeded } = await prepareDatabase(db.url);
  console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Database schema is up to date.');
  console.log(`Reference data: ${seeded.products} products, ${seeded.customers} customers.`);
} finally {
  await db.stop();
}
