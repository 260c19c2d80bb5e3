import pg from 'pg';
import { startEmbeddedPostgres } from '../lib/db/embedded';

// What every benchmark needs: a PostgreSQL server (DATABASE_URL's, or an
// embedded one kept apart from the app's data) and throw-away databases on it.

export type BenchServer = { adminUrl: string; kind: string; stop: () => Promise<void> };

/** DATABASE_URL's server when set, else an embedded one under .data/bench. */
export async function startBenchServer(): Promise<BenchServer> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, kind: 'DATABASE_URL', stop: async () => {} };
  const db = await startEmbeddedPostgres({
    dataDir: '.data/bench/pg',
    database: 'postgres',
    log: process.env.LEDGERLINE_DEBUG_DB ? (line) => console.error(`[postgres] ${line}`) : undefined,
  });
  return { adminUrl: db.url, kind: 'embedded', stop: db.stop };
}

export async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(serverUrl: string, database: string) {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
