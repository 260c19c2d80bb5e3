import { Prisma } from '../../generated/prisma/client';

// customer_stats (projection.ts beside this file) recomputed from the event
// log as of a moment, in ONE statement. It must give exactly the rows the
// projection would hold after applying those events, so it applies the same
// rules, event by event:
//   OrderPlaced         total_orders + 1, total_spent + total, last_order_at = max(placedAt)
//   OrderCancelled      total_orders − 1, total_spent − amount, cancelled_orders + 1, cancelled_amount + amount
//   OrderPriceAdjusted  total_spent + amountDelta
// counting only events of 'order' streams whose amounts the domain accepts
// (the projection sets the others aside), and attributing each event to the
// customer of its order's OrderPlaced, as the projection does (cancel and
// adjust events carry no customer id).
//
// Which events are "up to T": those whose recorded_at is at or before T, at
// millisecond granularity (recorded_at < T + 1 ms), T being the `at` of the
// request. Why recorded_at and not occurred_at:
// - occurred_at is the writer's clock (each web node's, or a time injected by
//   a test or an import) and says when something happened in the domain; it can
//   lie before events already in the log. recorded_at is now() of the writing
//   transaction, on the database server's one clock: when the log learnt the
//   fact. "The dashboard as it was at T" is a question about what the log
//   held at T, so it is recorded_at.
// - The projection applies events in (transaction_id, global_position) order,
//   not in time order, and neither timestamp follows that order exactly. What
//   matters for a correct answer is that the cut never holds a later event of
//   an order without an earlier one, and recorded_at guarantees that: every
//   append (lib/commands/handle-order-command.ts) first reads the stream, so
//   version n+1's transaction starts after version n has committed, hence
//   after version n's recorded_at. (Events of one transaction share one
//   recorded_at.) The set of events recorded by T is therefore a prefix of
//   each order's history, which is all the fold needs: per-customer sums do
//   not depend on how orders interleave.
// - recorded_at is the transaction's start, not its commit, so for a moment
//   within the last few milliseconds an append still in flight may join the
//   answer once it commits; an older T is final. Events of an order whose
//   OrderPlaced is not in the cut (impossible by the argument above, short
//   of a clock stepped backwards) cannot be attributed and are left out, where
//   the projection would stop on them.
//
// Plan: one pass over the events table (a sequential scan), an aggregate per
// order, then per customer, then the live list's join with customers, order
// and page. No index on recorded_at: the slowest answers are for moments near
// now, which need nearly every event whatever the index. A B-tree shortened
// the answers for older moments (it reads only the log before them) but not
// those, and it would cost every append one more index entry; a BRIN index
// made no measurable difference. bench/dashboard-at.ts times all three with
// 100,000 events.

/** Epoch milliseconds as timestamptz, exactly (integer arithmetic, any year). */
export const epochMs = (ms: number) =>
  Prisma.sql`(timestamptz 'epoch' + ${String(ms)}::bigint * interval '1 millisecond')`;

/**
 * Per-customer totals from the events recorded at or before `at` (epoch ms):
 * customer_id (uuid), total_orders, total_spent, cancelled_orders,
 * cancelled_amount, last_order_at. Only customers with at least one order.
 *
 * Innermost, one narrow row per event: the fields the rules need, read from
 * the jsonb once. OFFSET 0 keeps that subquery from being merged into the
 * aggregate above it, which would then carry every event's whole `data` into
 * its sort or hash table. Then one row per order, keyed by stream: an order's
 * events are exactly its stream's (handleOrderCommand writes them to
 * `order-<orderId>`, and decide copies orderId from the order's state), and
 * grouping on the plain column saves reading and normalising data.orderId
 * again. Last, one row per customer of the order's OrderPlaced (the uuid cast
 * folds letter case, as the projection's toLowerCase does). With 100,000
 * events (2 cores, shared), the aggregate alone took ~180 ms written plainly
 * (aggregates over e.data, grouped by lower(data->>'orderId')), ~155 ms with
 * the narrow rows, ~108 ms grouped by stream; scanning the rows alone ~44 ms.
 */
export function customerTotalsAsOf(at: number): Prisma.Sql {
  return Prisma.sql`
    SELECT o.customer_id,
           sum(o.placed - o.cancelled)::bigint AS total_orders,
           sum(o.spent)::bigint AS total_spent,
           sum(o.cancelled)::bigint AS cancelled_orders,
           sum(o.cancelled_amount)::bigint AS cancelled_amount,
           max(o.placed_at) AS last_order_at
      FROM (
        SELECT n.stream_id,
               min(n.customer_id)::uuid AS customer_id,
               count(*) FILTER (WHERE n.event_type = 'OrderPlaced') AS placed,
               count(*) FILTER (WHERE n.event_type = 'OrderCancelled') AS cancelled,
               sum(n.spent) AS spent,
               sum(n.cancelled_amount) AS cancelled_amount,
               max(n.placed_at) AS placed_at
          FROM (
            SELECT e.stream_id, e.event_type,
                   CASE WHEN e.event_type = 'OrderPlaced' THEN e.data->>'customerId' END AS customer_id,
                   CASE e.event_type
                     WHEN 'OrderPlaced' THEN (e.data->>'total')::bigint
                     WHEN 'OrderPriceAdjusted' THEN (e.data->>'amountDelta')::bigint
                     ELSE -(e.data->>'amount')::bigint
                   END AS spent,
                   CASE WHEN e.event_type = 'OrderCancelled' THEN (e.data->>'amount')::bigint ELSE 0 END AS cancelled_amount,
                   CASE WHEN e.event_type = 'OrderPlaced' THEN (e.data->>'placedAt')::timestamptz END AS placed_at
              FROM (
                -- The current shape of each event, as every other reader sees it (upcast in SQL).
                SELECT e.stream_id, e.stream_type, e.event_type, e.recorded_at,
                       ledgerline_order_event_data(e.event_type, e.schema_version, e.data) AS data
                  FROM events e
              ) e
             WHERE e.stream_type = 'order'
               AND e.event_type IN ('OrderPlaced', 'OrderCancelled', 'OrderPriceAdjusted')
               AND e.recorded_at < ${epochMs(at + 1)}
               -- Amounts the domain refuses are set aside by the projection, so here too.
               AND ledgerline_order_amounts_valid(e.event_type, e.data)
            OFFSET 0
          ) n
         GROUP BY n.stream_id
      ) o
     WHERE o.customer_id IS NOT NULL
     GROUP BY o.customer_id`;
}
