import 'server-only';
import pg from 'pg';
import { intFromEnv } from '../config/env';
import { createPool } from '../db/pool';
import { createPrismaClient, type Db } from '../db/prisma';
import { createAppendNotifier, createEventStore, type EventStore } from '../event-store';
import { EVENT_SCHEMAS } from '../event-schemas';
import { loggerFor } from '../observability/logger';
import { watchPool } from '../observability/metrics';

export type Services = { pool: pg.Pool; prisma: Db; store: EventStore };

const globalForServices = globalThis as unknown as { ledgerlineServices?: Services };

/**
 * One pool per process, shared by Prisma and the event store. Kept on
 * globalThis so `next dev` reloads do not open a new pool each time.
 * server.ts sets DATABASE_URL (to the embedded server when none was given)
 * before Next.js loads any route.
 */
export function getServices(): Services {
  if (globalForServices.ledgerlineServices) return globalForServices.ledgerlineServices;
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error('DATABASE_URL is not set: start the app with `npm start`.');
  const pool = createPool(
    {
      connectionString,
      max: intFromEnv('LEDGERLINE_POOL_SIZE', 20, { min: 1 }),
      // A database that hangs rather than refuses must still end in a 503, not a request that waits forever.
      connectionTimeoutMillis: 5_000,
    },
    (line) => loggerFor('db').warn(line),
  );
  watchPool('web', pool);
  const store = createEventStore(pool, { schemas: EVENT_SCHEMAS, onAppended: createAppendNotifier(pool) });
  const services = { pool, prisma: createPrismaClient(pool), store };
  globalForServices.ledgerlineServices = services;
  return services;
}
