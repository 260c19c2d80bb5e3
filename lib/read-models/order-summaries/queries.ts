import type pg from 'pg';
import { rowsOf } from '../../db/rows';
import { Prisma } from '../../generated/prisma/client';
import { servingVersion } from '../../projections/serving';
import { toNumber, type Int } from '../to-number';
import { tablesFor } from '../versions';
import { ORDER_SUMMARIES, ORDER_SUMMARIES_TABLES } from './tables';
import type { OrderStatus, OrderSummary } from './types';

// Reads of the order_summaries projection's serving version for the JSON
// API. They show what it has applied so far, which may trail the event log by
// a moment; the write side never reads them.

export type OrderSummaryRecord = {
  order_id: string;
  customer_id: string;
  customer_name: string | null;
  status: OrderStatus;
  total: Int;
  currency: string;
  line_count: Int;
  item_count: Int;
  placed_at: Date;
  last_change_at: Date;
  last_event_type: string;
  version: Int;
  position: string;
  /** placed_at and last_change_at as text with PostgreSQL's microseconds: what a cursor holds. */
  placed_key: string;
  changed_key: string;
};

// LEFT JOIN: a summary whose customer is gone from the reference data still lists.
/** The columns of an OrderSummaryRecord, from `s` (a summary row) and `c` (its customer). */
export const orderSummaryColumns = Prisma.sql`
  s.order_id::text, s.customer_id::text, c.name AS customer_name, s.status, s.total, s.currency,
  s.line_count, s.item_count, s.placed_at, s.last_change_at, s.last_event_type, s.version, s.position,
  to_char(s.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS placed_key,
  to_char(s.last_change_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS changed_key`;

export const orderSummarySelect = (table: string, join: 'LEFT JOIN' | 'JOIN' = 'LEFT JOIN') => Prisma.sql`
  SELECT ${orderSummaryColumns}
    FROM ${Prisma.raw(table)} s
    ${Prisma.raw(join)} customers c ON c.id = s.customer_id`;

/** The order's row, or null when the projection has none (unknown id, or not projected yet). */
export async function getOrderSummary(pool: pg.Pool, orderId: string): Promise<OrderSummary | null> {
  const table = await ordersTable(pool);
  const rows = await rowsOf<OrderSummaryRecord>(
    pool,
    Prisma.sql`
    ${orderSummarySelect(table)}
     WHERE s.order_id = ${orderId}::uuid`,
  );
  return rows[0] ? toOrderSummary(rows[0]) : null;
}

/** The serving version's tables, resolved once per request. */
export async function summaryTables(pool: pg.Pool) {
  return tablesFor(ORDER_SUMMARIES, ORDER_SUMMARIES_TABLES, await servingVersion(pool, ORDER_SUMMARIES));
}

async function ordersTable(pool: pg.Pool): Promise<string> {
  return (await summaryTables(pool)).orders;
}

export function toOrderSummary(row: OrderSummaryRecord): OrderSummary {
  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    status: row.status,
    total: toNumber(row.total),
    currency: row.currency,
    lineCount: toNumber(row.line_count),
    itemCount: toNumber(row.item_count),
    placedAt: row.placed_at.toISOString(),
    lastChangeAt: row.last_change_at.toISOString(),
    lastEventType: row.last_event_type,
    version: toNumber(row.version),
    position: row.position,
  };
}
