import path from 'node:path';
import { intFromEnv } from '../config/env';
import { startEmbeddedPostgres } from './embedded';
import { loggerFor } from '../observability/logger';

export type ResolvedDatabase = { url: string; embedded: boolean; dataDir?: string; stop: () => Promise<void> };

/**
 * DATABASE_URL set → that server. Unset → the embedded server under
 * LEDGERLINE_DATA_DIR (default ./.data), which this process starts and stops.
 */
export async function resolveDatabase(options: { database?: string } = {}): Promise<ResolvedDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, embedded: false, stop: async () => {} };
  const dataDir = path.join(process.env.LEDGERLINE_DATA_DIR ?? '.data', 'pg');
  const port = process.env.LEDGERLINE_PG_PORT
    ? intFromEnv('LEDGERLINE_PG_PORT', 0, { min: 1, max: 65_535 })
    : undefined;
  const db = await startEmbeddedPostgres({
    dataDir,
    port,
    database: options.database ?? 'ledgerline',
    log: process.env.LEDGERLINE_DEBUG_DB ? (line) => loggerFor('postgres').info(line) : undefined,
  });
  return { ...db, embedded: true };
}
