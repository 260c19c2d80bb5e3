import 'server-only';
import type pg from 'pg';
import { rowsOf } from '../../db/rows';
import { Prisma } from '../../generated/prisma/client';
import { customerTotalsAsOf, epochMs } from './history-sql';
import { instant, param } from '../../queries/query-params';
import {
  listCustomerStatsFrom,
  listCustomerStatsQuerySchema,
  type CustomerStatsPage,
  type ListCustomerStatsQuery,
} from './queries';

// The customer statistics as they stood at a past moment, computed from the
// event log rather than read from the projection's tables (which only know "now").
// Same rows, order, search and pages as the live list (listCustomerStats in
// queries.ts); the SQL is in history-sql.ts.

/** The live list's parameters plus `at`; without `at` the caller serves the live list. */
export const customerStatsQuerySchema = listCustomerStatsQuerySchema.extend({ at: param(instant('At')) });

export type CustomerStatsAtQuery = ListCustomerStatsQuery & { at: Date };

export type CustomerStatsAtPage = CustomerStatsPage & {
  /**
   * The moment the figures describe, ISO 8601 to the millisecond: `at`, or the
   * database's current time when `at` lies in the future (nothing is recorded
   * there yet, so the answer is today's, and it is labelled as such).
   */
  asOf: string;
  /** Always true: computed from the events up to `asOf`, not read from the live projection. */
  historic: true;
};

/**
 * One page of customers with their totals from the events recorded up to and
 * including the millisecond `at` (see history-sql.ts for what "recorded"
 * means and why): the live list's query over the event log's fold instead of
 * the projection's table. The label's moment comes from the database clock.
 */
export async function listCustomerStatsAt(pool: pg.Pool, query: CustomerStatsAtQuery): Promise<CustomerStatsAtPage> {
  const at = query.at.getTime();
  const [list, [meta]] = await Promise.all([
    listCustomerStatsFrom(pool, query, Prisma.sql`(${customerTotalsAsOf(at)})`),
    rowsOf<{ as_of: Date }>(pool, Prisma.sql`SELECT least(${epochMs(at)}, date_trunc('milliseconds', now())) AS as_of`),
  ]);
  return { asOf: meta!.as_of.toISOString(), historic: true, ...list };
}
