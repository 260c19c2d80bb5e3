import pg from 'pg';
import { startEmbeddedPostgres } from '../lib/db/embedded';

/**
 * A connection to the database the e2e server uses, for tests that act
 * behind the app's back: DATABASE_URL when the suite runs against another
 * server, else the e2e server's embedded one (already running; this attaches).
 */
export async function e2eDatabaseUrl(): Promise<string> {
  return (
    process.env.DATABASE_URL ?? (await startEmbeddedPostgres({ dataDir: '.data/e2e/pg', database: 'ledgerline' })).url
  );
}

export async function e2eDatabaseClient(): Promise<pg.Client> {
  const url = await e2eDatabaseUrl();
  const client = new pg.Client({ connectionString: url, application_name: 'ledgerline-e2e' });
  await client.connect();
  return client;
}
