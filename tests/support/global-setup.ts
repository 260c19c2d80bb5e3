import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { prepareDatabase } from '../../lib/db/prepare';
import { startEmbeddedPostgres } from '../../lib/db/embedded';

// Every run gets databases of its own: on the server DATABASE_URL names, or on
// an embedded server under .data/test (apart from the app's own data). One
// migrated, seeded template; the shared test database and any isolated ones
// (isolatedDatabase() in db.ts) are cheap copies of it.
export const TEST_DEMO_PASSWORD = 'test-demo-password';

export default async function setup(project: TestProject) {
  const base = `ledgerline_test_${Date.now()}_${process.pid}`;
  const template = `${base}_template`;
  let serverUrl: string;
  let stopServer = async () => {};
  if (process.env.DATABASE_URL) {
    serverUrl = process.env.DATABASE_URL;
  } else {
    const server = await startEmbeddedPostgres({ dataDir: '.data/test/pg', database: 'postgres' });
    serverUrl = server.url;
    stopServer = server.stop;
  }
  const urlOf = (database: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const admin = new pg.Client({ connectionString: serverUrl });
  // A dropped admin connection must fail this run's teardown, not crash vitest.
  admin.on('error', (error) => console.error(`test admin connection: ${error.message}`));
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
  // Known demo passwords, so tests can sign in; never written to .data.
  process.env.LEDGERLINE_DEMO_PASSWORD ??= TEST_DEMO_PASSWORD;
  await prepareDatabase(urlOf(template));
  await cloneTemplate(admin, template, base);

  project.provide('databaseUrl', urlOf(base));
  project.provide('adminDatabaseUrl', serverUrl);
  project.provide('templateDatabase', template);
  project.provide('demoPassword', process.env.LEDGERLINE_DEMO_PASSWORD);
  return async () => {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${base}%`,
    ]);
    for (const { datname } of rows)
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    // Another run on this machine attached to the same embedded server while
    // this one ran and is still connected: leave the server running for it.
    const { rows: others } = await admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname LIKE 'ledgerline\\_test\\_%'`,
    );
    await admin.end();
    if (Number(others[0]!.n) === 0) await stopServer();
  };
}

/** CREATE DATABASE … TEMPLATE needs the template free of sessions (the migrator's may linger). */
export async function cloneTemplate(admin: pg.Client, template: string, name: string) {
  for (let attempt = 1; ; attempt++) {
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [template],
    );
    try {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
      return;
    } catch (error) {
      // 55006: "source database is being accessed by other users", a race with a closing session.
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    adminDatabaseUrl: string;
    templateDatabase: string;
    demoPassword: string;
  }
}
