import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

/** A Prisma client over an existing pg pool, so Prisma and the event store share connections. */
export function createPrismaClient(pool: pg.Pool) {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

export type Db = ReturnType<typeof createPrismaClient>;
