import 'server-only';
import type { z } from 'zod';
import type { Db } from '../db/prisma';
import { Prisma } from '../generated/prisma/client';
import { customerStatsAsOfSql, epochMs, type CustomerStatsAtRecord } from './history/customer-stats-sql';
import { instant, param } from './query-params';
import {
  listCustomerStatsQuerySchema,
  PAGE_SIZE_DEFAULT,
  type CustomerStatsRow,
  type ListCustomerStatsQuery,
} from './read-models';

// The customer statistics as they stood at a past moment, computed from the
// event log rather than read from customer_stats_v1 (which only knows "now").
// Same rows, order, search and pages as the live list (listCustomerStats in
// read-models.ts); the SQL is in history/customer-stats-sql.ts.

/** The live list's parameters plus `at`; without `at` the caller serves the live list. */
export const customerStatsQuerySchema = listCustomerStatsQuerySchema.extend({ at: param(instant('At')) });

export type CustomerStatsQuery = z.output<typeof customerStatsQuerySchema>;
export type CustomerStatsAtQuery = ListCustomerStatsQuery & { at: Date };

export type CustomerStatsAtPage = {
  /**
   * The moment the figures describe, ISO 8601 to the millisecond: `at`, or the
   * database's current time when `at` lies in the future (nothing is recorded
   * there yet, so the answer is today's, and it is labelled as such).
   */
  asOf: string;
  /** Always true: computed from the events up to `asOf`, not read from the live projection. */
  historic: true;
  customers: CustomerStatsRow[];
  page: number;
  pageSize: number;
  total: number;
};

type Int = number | bigint;

/**
 * One page of customers with their totals from the events recorded up to and
 * including the millisecond `at` (see customer-stats-sql.ts for what "recorded"
 * means and why), biggest first as in the live list. A page query and a count
 * run side by side; the count also reads the database clock for the label.
 */
export async function listCustomerStatsAt(db: Db, query: CustomerStatsAtQuery): Promise<CustomerStatsAtPage> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? PAGE_SIZE_DEFAULT;
  const at = query.at.getTime();
  const search = query.q ? Prisma.sql`c.name ILIKE ${`%${escapeLike(query.q)}%`} ESCAPE '\\'` : Prisma.sql`TRUE`;
  const [rows, [meta]] = await Promise.all([
    db.$queryRaw<CustomerStatsAtRecord[]>(
      customerStatsAsOfSql({ at, search, sort: query.sort ?? 'spent', limit: pageSize, offset: (page - 1) * pageSize }),
    ),
    db.$queryRaw<[{ total: Int; as_of: Date }]>`
      SELECT count(*) AS total,
             least(${epochMs(at)}, date_trunc('milliseconds', now())) AS as_of
        FROM customers c
       WHERE ${search}`,
  ]);
  return {
    asOf: meta.as_of.toISOString(),
    historic: true,
    customers: rows.map((row) => ({
      customerId: row.customer_id,
      name: row.name,
      totalOrders: toNumber(row.total_orders),
      totalSpent: toNumber(row.total_spent),
      cancelledOrders: toNumber(row.cancelled_orders),
      cancelledAmount: toNumber(row.cancelled_amount),
      lastOrderAt: row.last_order_at?.toISOString() ?? null,
    })),
    page,
    pageSize,
    total: toNumber(meta.total),
  };
}

/** `%`, `_` and the escape character itself match literally (as in read-models.ts). */
function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** As in read-models.ts: sums arrive as bigint, which JSON cannot hold; an unsafe one fails loudly. */
function toNumber(value: Int): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`customer stats value ${value} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}
