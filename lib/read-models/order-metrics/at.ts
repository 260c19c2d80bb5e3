import 'server-only';
import type pg from 'pg';
import { rowsOf } from '../../db/rows';
import { Prisma } from '../../generated/prisma/client';
import { instant, param } from '../../queries/query-params';
import { epochMs } from '../customer-stats/history-sql';
import { toNumber, type Int } from '../to-number';
import { METRICS_MINUTES_DEFAULT, metricsQuerySchema, toMetrics, type MetricsQuery } from './queries';
import type { DashboardMetricsAt } from './types';

// The dashboard's metrics as they stood at a past moment, computed from the
// event log (the projection's tables only know "now"), by the projection's
// own rules (projection.ts beside this file):
//   OrderPlaced         +1 placed in its minute, revenue + total, status → placed
//   OrderShipped        status placed → shipped (no minute, no money)
//   OrderCancelled      +1 cancelled in its minute, revenue − amount, status placed → cancelled, by reason
//   OrderPriceAdjusted  revenue + amountDelta in its minute
// over the events of 'order' streams whose amounts the domain accepts (the
// projection sets the others aside). Minutes are those of occurred_at, as in
// the projection; which events count is decided by recorded_at, for the
// reasons history-sql.ts in customer-stats gives (the log as it was at T).
// The window ends at T's minute, not at the present one.

/** The live metrics' parameters plus `at`; without `at` the caller serves the live metrics. */
export const metricsAtQuerySchema = metricsQuerySchema.extend({ at: param(instant('At')) });

export type MetricsAtQuery = MetricsQuery & { at: Date };

type Row = {
  kind: 'as_of' | 'minute' | 'status' | 'reason';
  moment: Date | null;
  key: string | null;
  a: Int;
  b: Int;
  c: Int;
};

/**
 * One statement, one pass over the events table (like the historic customer
 * list): the narrow rows up to T are materialised once, then aggregated into
 * the window's minutes (2 × minutes, for the trend), the status counts and
 * the cancellations by reason.
 */
export async function getDashboardMetricsAt(pool: pg.Pool, query: MetricsAtQuery): Promise<DashboardMetricsAt> {
  const count = query.minutes ?? METRICS_MINUTES_DEFAULT;
  const at = query.at.getTime();
  const rows = await rowsOf<Row>(
    pool,
    Prisma.sql`
    WITH bounds AS (
      SELECT least(${epochMs(at)}, date_trunc('milliseconds', now())) AS as_of
    ), w AS (
      SELECT date_trunc('minute', as_of, 'UTC') AS last,
             date_trunc('minute', as_of, 'UTC') - make_interval(mins => ${2 * count - 1}::int) AS first
        FROM bounds
    ), n AS MATERIALIZED (
      SELECT e.event_type, e.occurred_at,
             CASE WHEN e.event_type = 'OrderCancelled' THEN e.data->>'reasonCode' END AS reason_code,
             CASE e.event_type
               WHEN 'OrderPlaced' THEN (e.data->>'total')::bigint
               WHEN 'OrderPriceAdjusted' THEN (e.data->>'amountDelta')::bigint
               WHEN 'OrderCancelled' THEN -(e.data->>'amount')::bigint
               ELSE 0
             END AS revenue
        FROM (
          -- The current shape of each event, as every other reader sees it (upcast in SQL).
          SELECT e.stream_type, e.event_type, e.occurred_at, e.recorded_at,
                 ledgerline_order_event_data(e.event_type, e.schema_version, e.data) AS data
            FROM events e
        ) e
       WHERE e.stream_type = 'order'
         AND e.event_type IN ('OrderPlaced', 'OrderShipped', 'OrderCancelled', 'OrderPriceAdjusted')
         AND e.recorded_at < ${epochMs(at + 1)}
         AND ledgerline_order_amounts_valid(e.event_type, e.data)
    ), m AS (
      SELECT date_trunc('minute', n.occurred_at, 'UTC') AS minute,
             count(*) FILTER (WHERE n.event_type = 'OrderPlaced') AS placed,
             count(*) FILTER (WHERE n.event_type = 'OrderCancelled') AS cancelled,
             sum(n.revenue)::bigint AS revenue
        FROM n, w
       WHERE n.event_type <> 'OrderShipped'
         AND n.occurred_at >= w.first AND n.occurred_at < w.last + interval '1 minute'
       GROUP BY 1
    )
    SELECT 'as_of' AS kind, as_of AS moment, NULL AS key, 0::bigint AS a, 0::bigint AS b, 0::bigint AS c FROM bounds
    UNION ALL
    SELECT 'minute', g.minute, NULL, coalesce(m.placed, 0), coalesce(m.cancelled, 0), coalesce(m.revenue, 0)
      FROM w, generate_series(w.first, w.last, interval '1 minute') AS g(minute)
      LEFT JOIN m ON m.minute = g.minute
    UNION ALL
    SELECT 'status', NULL, NULL,
           count(*) FILTER (WHERE event_type = 'OrderPlaced'),
           count(*) FILTER (WHERE event_type = 'OrderShipped'),
           count(*) FILTER (WHERE event_type = 'OrderCancelled')
      FROM n
    UNION ALL
    SELECT 'reason', NULL, reason_code, count(*), 0, -sum(revenue)::bigint
      FROM n WHERE event_type = 'OrderCancelled' GROUP BY reason_code
    ORDER BY 1, 2`,
  );
  const minutes = rows
    .filter((r) => r.kind === 'minute')
    .map((r) => ({ minute: r.moment!, orders_placed: r.a, orders_cancelled: r.b, revenue: r.c }));
  const status = rows.find((r) => r.kind === 'status')!;
  const [placed, shipped, cancelled] = [status.a, status.b, status.c].map(toNumber) as [number, number, number];
  const statuses = [
    { status: 'placed', orders: placed - shipped - cancelled },
    { status: 'shipped', orders: shipped },
    { status: 'cancelled', orders: cancelled },
  ];
  const reasons = rows
    .filter((r) => r.kind === 'reason')
    .map((r) => ({ reason_code: r.key!, orders: r.a, amount: r.c }));
  const asOf = rows.find((r) => r.kind === 'as_of')!.moment!;
  return { ...toMetrics(count, minutes, statuses, reasons), asOf: asOf.toISOString(), historic: true };
}
