import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { prepareDatabase } from '../../lib/db/prepare';
import { startEmbeddedPostgres } from '../../lib/db/embedded';

// Every run gets a database of its own: on the server DATABASE_URL names, or on
// an embedded server under .data/test (apart from the app's own data).
export default async function setup(project: TestProject) {
  const database = `ledgerline_test_${Date.now()}_${process.pid}`;
  let url: string;
  let stopServer = async () => {};
  let dropDatabase = async () => {};
  if (process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    await admin.end();
    const target = new URL(process.env.DATABASE_URL);
    target.pathname = `/${database}`;
    url = target.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
      await client.end();
    };
  } else {
    const server = await startEmbeddedPostgres({ dataDir: '.data/test/pg', database });
    url = server.url;
    stopServer = server.stop;
    dropDatabase = async () => {
      const admin = new URL(url);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
      await client.end();
    };
  }
  await prepareDatabase(url);
  project.provide('databaseUrl', url);
  return async () => {
    await dropDatabase();
    await stopServer();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
