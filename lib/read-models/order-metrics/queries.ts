import 'server-only';
import { z } from 'zod';
import type pg from 'pg';
import { rowsOf } from '../../db/rows';
import { CANCEL_REASON_CODES, CANCEL_REASON_NOT_RECORDED, cancelReasonLabel } from '../../domain/order';
import { Prisma } from '../../generated/prisma/client';
import { servingVersion } from '../../projections/serving';
import { param, wholeNumber } from '../../queries/query-params';
import { toNumber, type Int } from '../to-number';
import { tablesFor } from '../versions';
import { ORDER_METRICS, ORDER_METRICS_TABLES } from './tables';
import type { CancellationsByReason, DashboardMetrics, MinuteMetrics, StatusCounts, WindowTotals } from './types';

// Reads for the dashboard from the order_metrics projection's serving
// version. The metrics trail the log by whatever the projection has not
// applied yet.

export const METRICS_MINUTES_DEFAULT = 60;
export const METRICS_MINUTES_MAX = 1440;

export const metricsQuerySchema = z.object({ minutes: param(wholeNumber('Minutes', 1, METRICS_MINUTES_MAX)) });

export type MetricsQuery = z.output<typeof metricsQuerySchema>;

/** The codes the dashboard lists, in this order, zeros included. */
const REASON_ORDER: readonly string[] = [...CANCEL_REASON_CODES, CANCEL_REASON_NOT_RECORDED];

/**
 * The last `minutes` UTC minutes up to and including the current one, by the
 * database's clock (the same clock that stamps events when commands carry no
 * time), and as many before them for the trend. generate_series fills the
 * minutes the projection has no row for; the rows themselves come from the
 * minutes table's primary key, so a day's window (and the day before it)
 * reads at most 2,880 rows however long the table grows. The serving version
 * is resolved once, so every part of the answer is of one version.
 */
export async function getDashboardMetrics(pool: pg.Pool, query: MetricsQuery): Promise<DashboardMetrics> {
  const count = query.minutes ?? METRICS_MINUTES_DEFAULT;
  const tables = tablesFor(ORDER_METRICS, ORDER_METRICS_TABLES, await servingVersion(pool, ORDER_METRICS));
  const [rows, statuses, reasons] = await Promise.all([
    rowsOf<MinuteRecord>(
      pool,
      Prisma.sql`
      WITH bounds AS (SELECT date_trunc('minute', now(), 'UTC') AS last)
      SELECT g.minute, coalesce(m.orders_placed, 0) AS orders_placed,
             coalesce(m.orders_cancelled, 0) AS orders_cancelled, coalesce(m.revenue, 0::bigint) AS revenue
        FROM bounds,
             generate_series(bounds.last - make_interval(mins => ${2 * count - 1}::int), bounds.last, interval '1 minute') AS g(minute)
        LEFT JOIN ${Prisma.raw(tables.minutes)} m ON m.minute = g.minute
       ORDER BY g.minute`,
    ),
    rowsOf<StatusRecord>(pool, Prisma.sql`SELECT status, orders FROM ${Prisma.raw(tables.statuses)}`),
    tables.reasons
      ? rowsOf<ReasonRecord>(
          pool,
          Prisma.sql`
          SELECT reason_code, orders, amount FROM ${Prisma.raw(tables.reasons)}`,
        )
      : null,
  ]);
  return toMetrics(count, rows, statuses, reasons);
}

export type MinuteRecord = { minute: Date; orders_placed: Int; orders_cancelled: Int; revenue: Int };
export type StatusRecord = { status: string; orders: Int };
export type ReasonRecord = { reason_code: string; orders: Int; amount: Int };

/**
 * The API's shape from `2 × count` minutes (oldest first): the last `count`
 * are the window, the ones before it the previous window the trend compares with.
 */
export function toMetrics(
  count: number,
  rows: MinuteRecord[],
  statuses: StatusRecord[],
  reasons: ReasonRecord[] | null,
): DashboardMetrics {
  const all = rows.map((row) => ({
    minute: row.minute.toISOString(),
    ordersPlaced: toNumber(row.orders_placed),
    ordersCancelled: toNumber(row.orders_cancelled),
    revenue: toNumber(row.revenue),
  }));
  const minutes = all.slice(-count);
  const statusCounts: StatusCounts = { placed: 0, shipped: 0, cancelled: 0 };
  for (const row of statuses) {
    if (row.status in statusCounts) statusCounts[row.status as keyof StatusCounts] = toNumber(row.orders);
  }
  return {
    minutes,
    statusCounts,
    totals: sums(minutes),
    previous: sums(all.slice(0, -count)),
    cancellationsByReason: reasons && byReason(reasons),
  };
}

const sums = (minutes: MinuteMetrics[]): WindowTotals =>
  minutes.reduce(
    (sum, m) => ({
      orders: sum.orders + m.ordersPlaced,
      revenue: sum.revenue + m.revenue,
      cancelled: sum.cancelled + m.ordersCancelled,
    }),
    { orders: 0, revenue: 0, cancelled: 0 },
  );

/** Every known code in REASON_ORDER, then any other code stored (a code newer than this build), by name. */
function byReason(rows: ReasonRecord[]): CancellationsByReason[] {
  const stored = new Map(rows.map((row) => [row.reason_code, row]));
  const codes = [...REASON_ORDER, ...[...stored.keys()].filter((code) => !REASON_ORDER.includes(code)).sort()];
  return codes.map((reasonCode) => {
    const row = stored.get(reasonCode);
    return {
      reasonCode,
      label: cancelReasonLabel(reasonCode),
      orders: row ? toNumber(row.orders) : 0,
      amount: row ? toNumber(row.amount) : 0,
    };
  });
}
