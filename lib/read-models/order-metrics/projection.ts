import type { PoolClient } from 'pg';
import type { OrderEventType } from '../../domain/order';
import { toOrderEvent } from '../../order-stream';
import type { CompareView, Projection } from '../../projections/types';
import { orderAmountProblem } from '../order-amounts';
import { ORDER_METRICS, ORDER_METRICS_TABLES, type OrderMetricsTables } from './tables';

// Dashboard metrics: activity per UTC minute of each event's occurredAt, and
// how many orders are in each status now. Every write is an increment, so a
// batch becomes one upsert per table whatever its size.
//
// No order → status lookup is kept: the domain only allows placed → shipped
// and placed → cancelled, once each (evolve rejects anything else and the
// event store is append-only), so each event names the status it leaves.
//
// Every version is this one function over its own tables: v2 adds a table of
// cancellations by reason code (OrderCancelled's reasonCode; cancellations
// recorded before there were codes are upcast to 'not_recorded').

const EVENT_TYPES = [
  'OrderPlaced',
  'OrderShipped',
  'OrderCancelled',
  'OrderPriceAdjusted',
] as const satisfies readonly OrderEventType[];

const MINUTE_MS = 60_000;

type Status = 'placed' | 'shipped' | 'cancelled';

type MinuteChange = { ordersPlaced: number; ordersCancelled: number; revenue: bigint };
type ReasonChange = { orders: number; amount: bigint };

/** order_metrics at `version`, writing to `tables`. */
export function orderMetricsProjection(version: number, tables: OrderMetricsTables): Projection {
  const { minutes: MINUTES, statuses: STATUS_COUNTS, reasons: REASONS } = tables;
  const compare: CompareView[] = [
    { view: 'minutes', table: MINUTES, key: ['minute'] },
    { view: 'statuses', table: STATUS_COUNTS, key: ['status'] },
  ];
  if (REASONS) compare.push({ view: 'reasons', table: REASONS, key: ['reason_code'] });
  return {
    name: ORDER_METRICS,
    version,
    eventTypes: EVENT_TYPES,
    tables: REASONS ? [MINUTES, STATUS_COUNTS, REASONS] : [MINUTES, STATUS_COUNTS],
    compare,
    rejects: orderAmountProblem,
    async apply(tx, events) {
      const types = new Set<string>(EVENT_TYPES);
      const minutes = new Map<number, MinuteChange>();
      const statuses = new Map<Status, number>();
      const reasons = new Map<string, ReasonChange>();
      const moveStatus = (from: Status | null, to: Status) => {
        if (from) statuses.set(from, (statuses.get(from) ?? 0) - 1);
        statuses.set(to, (statuses.get(to) ?? 0) + 1);
      };
      const minuteOf = (at: Date) => {
        // Epoch milliseconds have no leap seconds or zones: flooring is the UTC minute.
        const start = Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
        let change = minutes.get(start);
        if (!change) {
          change = { ordersPlaced: 0, ordersCancelled: 0, revenue: 0n };
          minutes.set(start, change);
        }
        return change;
      };

      for (const recorded of events) {
        if (recorded.streamType !== 'order' || !types.has(recorded.type)) continue;
        const event = toOrderEvent(recorded);
        switch (event.type) {
          case 'OrderPlaced': {
            const minute = minuteOf(recorded.occurredAt);
            minute.ordersPlaced += 1;
            minute.revenue += BigInt(event.data.total);
            moveStatus(null, 'placed');
            break;
          }
          case 'OrderShipped':
            // Shipping moves no money; it only moves the order between statuses.
            moveStatus('placed', 'shipped');
            break;
          case 'OrderCancelled': {
            // `amount` includes earlier adjustments, which were counted as
            // revenue in their own minutes.
            const minute = minuteOf(recorded.occurredAt);
            minute.ordersCancelled += 1;
            minute.revenue -= BigInt(event.data.amount);
            moveStatus('placed', 'cancelled');
            if (REASONS) {
              const reason = reasons.get(event.data.reasonCode) ?? { orders: 0, amount: 0n };
              reason.orders += 1;
              reason.amount += BigInt(event.data.amount);
              reasons.set(event.data.reasonCode, reason);
            }
            break;
          }
          case 'OrderPriceAdjusted':
            minuteOf(recorded.occurredAt).revenue += BigInt(event.data.amountDelta);
            break;
          default:
            // Only the types filtered in above reach this switch.
            throw new Error(`${MINUTES}: unexpected event ${event.type}`);
        }
      }

      await upsertMinutes(tx, MINUTES, minutes);
      await upsertStatusCounts(tx, STATUS_COUNTS, statuses);
      const keys: Record<string, string[]> = {
        metrics: [...minutes.keys()].map((ms) => new Date(ms).toISOString()),
        statuses: [...statuses].filter(([, delta]) => delta !== 0).map(([status]) => status),
      };
      if (REASONS) {
        await upsertReasons(tx, REASONS, reasons);
        keys.reasons = [...reasons.keys()];
      }
      return { keys };
    },
  };
}

export const orderMetricsV1 = orderMetricsProjection(1, ORDER_METRICS_TABLES[1]!);
/** v1 plus cancellations by reason code; builds beside v1 until switched to. */
export const orderMetricsV2 = orderMetricsProjection(2, ORDER_METRICS_TABLES[2]!);

async function upsertMinutes(tx: PoolClient, table: string, minutes: Map<number, MinuteChange>) {
  if (minutes.size === 0) return;
  const rows = [...minutes];
  await tx.query(
    `INSERT INTO ${table} AS m (minute, orders_placed, orders_cancelled, revenue)
     SELECT * FROM unnest($1::timestamptz[], $2::int[], $3::int[], $4::bigint[])
     ON CONFLICT (minute) DO UPDATE SET
       orders_placed = m.orders_placed + excluded.orders_placed,
       orders_cancelled = m.orders_cancelled + excluded.orders_cancelled,
       revenue = m.revenue + excluded.revenue`,
    [
      rows.map(([ms]) => new Date(ms).toISOString()),
      rows.map(([, m]) => m.ordersPlaced),
      rows.map(([, m]) => m.ordersCancelled),
      rows.map(([, m]) => m.revenue.toString()),
    ],
  );
}

async function upsertStatusCounts(tx: PoolClient, table: string, statuses: Map<Status, number>) {
  // A batch that placed and shipped an order nets 0 for `placed`: no write.
  const rows = [...statuses].filter(([, delta]) => delta !== 0);
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ${table} AS s (status, orders)
     SELECT * FROM unnest($1::text[], $2::int[])
     ON CONFLICT (status) DO UPDATE SET orders = s.orders + excluded.orders`,
    [rows.map(([status]) => status), rows.map(([, delta]) => delta)],
  );
}

async function upsertReasons(tx: PoolClient, table: string, reasons: Map<string, ReasonChange>) {
  if (reasons.size === 0) return;
  const rows = [...reasons];
  await tx.query(
    `INSERT INTO ${table} AS r (reason_code, orders, amount)
     SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])
     ON CONFLICT (reason_code) DO UPDATE SET orders = r.orders + excluded.orders, amount = r.amount + excluded.amount`,
    [rows.map(([code]) => code), rows.map(([, r]) => r.orders), rows.map(([, r]) => r.amount.toString())],
  );
}
