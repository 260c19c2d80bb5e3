import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { seedCustomers, seedProducts } from '../lib/db/seed';
import {
  decide,
  evolve,
  initialState,
  isOrderRuleError,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
} from '../lib/domain/order';
import { ORDER_EVENT_SCHEMA, ORDER_STREAM_TYPE, orderStreamId } from '../lib/order-stream';
// The tests' seeded generator: a run can be repeated from its seed.
import { seededRandom } from '../tests/support/random';

// An order history for benchmarks, decided by the real domain, and the bulk
// write that stores it as the event store would have (shared by
// bench:dashboard-at and bench:rebuild).

export type SeedEvent = {
  streamId: string;
  version: number;
  type: OrderEvent['type'];
  /** What toNewEvent stamps: the type's current schema version. */
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  occurredAt: Date;
  recordedAt: Date;
  commandId: string;
  fingerprint: string;
  /** For folds in Node: the order's customer. */
  customerId: string;
};

export type HistoryOptions = {
  /** How many events. */
  count: number;
  /** The last command's time (ms), kept before the real now. */
  end: number;
  /** The span of history before `end`. */
  days: number;
  seed: number;
};

/**
 * Commands at random moments over `days` (new orders, then ships, cancels,
 * price adjustments and new addresses of earlier ones), each decided on the
 * order's state exactly as handleOrderCommand decides it, with the metadata
 * it writes. Refused commands (a negative total, say) write nothing, as in
 * the app. A generator, so a long history can be written without holding it.
 */
export function* generateHistory({ count, end, days, seed }: HistoryOptions): Generator<SeedEvent> {
  const rng = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
  const customers = seedCustomers().map((c) => c.id);
  const products = Object.fromEntries(seedProducts().map((p) => [p.sku, p]));
  const skus = Object.keys(products);
  const address = { name: 'Bench Buyer', line1: '1 Load Street', city: 'Oslo', postalCode: '0150', country: 'NO' };
  const orders = new Map<string, { state: OrderState; version: number; customerId: string }>();
  const open: string[] = []; // placed, not yet shipped or cancelled
  const billable: string[] = []; // placed or shipped: price adjustments allowed
  const meanGap = (days * 86_400_000) / count;
  let now = end - days * 86_400_000;
  let emitted = 0;

  const someOf = (list: string[], alive: (s: OrderState) => boolean) => {
    while (list.length > 0) {
      const i = Math.floor(rng() * list.length);
      const id = list[i]!;
      if (alive(orders.get(id)!.state)) return id;
      list[i] = list[list.length - 1]!; // gone from this list for good: swap-remove
      list.pop();
    }
    return undefined;
  };

  while (emitted < count) {
    // Random gaps add up to the span only on average: never past `end`, which
    // is just before the real now (a future recorded_at would be left out of
    // "as of now" while the projection counts it).
    now = Math.min(end, now + Math.max(1, Math.round(-Math.log(1 - rng()) * meanGap)));
    const at = new Date(now);
    const roll = rng();
    let orderId: string | undefined;
    let command: OrderCommand;
    let input: unknown;
    if (open.length < 20 || roll < 0.45) {
      orderId = randomUUID();
      const lineSkus = [...new Set(Array.from({ length: 1 + Math.floor(rng() * 4) }, () => pick(skus)))];
      const items = lineSkus.map((sku) => ({ sku, quantity: 1 + Math.floor(rng() * 3) }));
      const customerId = pick(customers);
      input = { customerId, items, shippingAddress: address };
      orders.set(orderId, { state: initialState(), version: 0, customerId });
      command = {
        type: 'PlaceOrder',
        data: { orderId, customerId, items, shippingAddress: address, customerExists: true, products },
        metadata: { now: at },
      };
    } else if (roll < 0.7) {
      orderId = someOf(open, (s) => s.status === 'placed');
      input = { orderId };
      command = { type: 'ShipOrder', data: { orderId: orderId! }, metadata: { now: at } };
    } else if (roll < 0.78) {
      orderId = someOf(open, (s) => s.status === 'placed');
      input = { orderId, reason: 'Customer changed their mind', reasonCode: 'customer_request' };
      command = {
        type: 'CancelOrder',
        data: { orderId: orderId!, reason: 'Customer changed their mind', reasonCode: 'customer_request' },
        metadata: { now: at },
      };
    } else if (roll < 0.9) {
      orderId = someOf(billable, (s) => s.status !== 'cancelled');
      const amountDelta = Math.round((rng() - 0.6) * 3_000) || 100;
      input = { orderId, amountDelta, reason: 'Price match' };
      command = {
        type: 'AdjustOrderPrice',
        data: { orderId: orderId!, amountDelta, reason: 'Price match' },
        metadata: { now: at },
      };
    } else {
      orderId = someOf(open, (s) => s.status === 'placed');
      const newAddress = { ...address, line1: `${emitted} Relay Row` };
      input = { orderId, address: newAddress };
      command = {
        type: 'ChangeShippingAddress',
        data: { orderId: orderId!, address: newAddress },
        metadata: { now: at },
      };
    }
    if (!orderId) continue;
    const order = orders.get(orderId)!;
    let decided: OrderEvent[];
    try {
      decided = decide(command, order.state);
    } catch (error) {
      if (isOrderRuleError(error)) continue;
      throw error;
    }
    if (decided.length === 0) continue;
    // As handleOrderCommand: one command id, correlation and causation default to it.
    const commandId = randomUUID();
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ type: command.type, input }))
      .digest('hex');
    const metadata = { commandId, commandType: command.type, correlationId: commandId, causationId: commandId };
    // The append's transaction starts a moment after the command's clock read.
    const recordedAt = new Date(now + 1 + Math.floor(rng() * 4));
    for (const event of decided) {
      if (emitted >= count) return;
      order.state = evolve(order.state, event);
      order.version += 1;
      emitted += 1;
      yield {
        streamId: orderStreamId(orderId),
        version: order.version,
        type: event.type,
        schemaVersion: ORDER_EVENT_SCHEMA.current[event.type],
        data: event.data as unknown as Record<string, unknown>,
        metadata,
        occurredAt: at,
        recordedAt,
        commandId,
        fingerprint,
        customerId: order.customerId,
      };
    }
    if (command.type === 'PlaceOrder') {
      open.push(orderId);
      billable.push(orderId);
    }
  }
}

/**
 * Chunks in log order, each holding at most one event per stream (so the
 * previous hash of every event in a chunk is its stream's head before the chunk).
 */
function* chunks(events: Iterable<SeedEvent>, size: number) {
  let chunk: SeedEvent[] = [];
  let streams = new Set<string>();
  for (const event of events) {
    if (chunk.length >= size || streams.has(event.streamId)) {
      yield chunk;
      chunk = [];
      streams = new Set();
    }
    chunk.push(event);
    streams.add(event.streamId);
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * One chunk in one statement, doing what the store's append statement
 * (APPEND_FIRST / APPEND_NEXT) does per event: prev_hash from the stream's
 * head, hash by ll_event_hash, the streams row (version, head and previous
 * head) and the commands row. recorded_at is the moment the store would have
 * written the row (the command's time plus a few ms) instead of the seeding
 * transaction's now(); a chunk is one transaction, so its events share a
 * transaction id, as several events of one append do.
 */
const INSERT_CHUNK = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::timestamptz[],
                       $8::timestamptz[], $9::text[], $10::text[])
    WITH ORDINALITY AS i(stream_id, stream_version, event_type, schema_version, data, metadata, occurred_at,
                         recorded_at, command_id, fingerprint, ord)
),
chained AS (
  SELECT i.*, coalesce(s.head_hash, repeat('0', 64)) AS prev_hash, s.version AS head_version
    FROM input i LEFT JOIN streams s ON s.stream_id = i.stream_id
),
ins AS (
  INSERT INTO events (stream_id, stream_type, stream_version, event_type, schema_version, data, metadata,
                      occurred_at, recorded_at, prev_hash, hash)
  SELECT stream_id, $11, stream_version, event_type, schema_version, data, metadata, occurred_at, recorded_at,
         prev_hash,
         ll_event_hash(prev_hash, stream_id, stream_version, event_type, schema_version, data, metadata, occurred_at)
    FROM chained
   WHERE stream_version = coalesce(head_version, 0) + 1
   ORDER BY ord
  RETURNING stream_id, stream_version, prev_hash, hash, global_position, transaction_id
),
cmd AS (
  INSERT INTO commands (command_id, stream_id, fingerprint, version, transaction_id, position, created_at)
  SELECT c.command_id, ins.stream_id, c.fingerprint, ins.stream_version, ins.transaction_id::text::bigint,
         ins.global_position, c.recorded_at
    FROM ins JOIN chained c USING (stream_id)
)
INSERT INTO streams AS s (stream_id, stream_type, version, head_hash, prev_head_hash, created_at, updated_at)
SELECT ins.stream_id, $11, ins.stream_version, ins.hash, ins.prev_hash, c.recorded_at, c.recorded_at
  FROM ins JOIN chained c USING (stream_id)
ON CONFLICT (stream_id) DO UPDATE SET
  version = excluded.version, head_hash = excluded.head_hash, prev_head_hash = excluded.prev_head_hash,
  updated_at = excluded.updated_at
RETURNING 1`;

/**
 * Writes the events chunk by chunk (`chunkSize` a statement) and ANALYZEs
 * the tables. `onChunk` sees each chunk once written (for folds or counts).
 */
export async function writeHistory(
  pool: pg.Pool,
  events: Iterable<SeedEvent>,
  { chunkSize = 2_000, onChunk }: { chunkSize?: number; onChunk?: (chunk: SeedEvent[]) => void } = {},
) {
  let written = 0;
  for (const chunk of chunks(events, chunkSize)) {
    const { rowCount } = await pool.query(INSERT_CHUNK, [
      chunk.map((e) => e.streamId),
      chunk.map((e) => e.version),
      chunk.map((e) => e.type),
      chunk.map((e) => e.schemaVersion),
      chunk.map((e) => JSON.stringify(e.data)),
      chunk.map((e) => JSON.stringify(e.metadata)),
      chunk.map((e) => e.occurredAt.toISOString()),
      chunk.map((e) => e.recordedAt.toISOString()),
      chunk.map((e) => e.commandId),
      chunk.map((e) => e.fingerprint),
      ORDER_STREAM_TYPE,
    ]);
    // A version that is not the head's next would be skipped by the WHERE: fail instead.
    if (rowCount !== chunk.length) throw new Error(`chunk wrote ${rowCount} of ${chunk.length} events`);
    written += chunk.length;
    onChunk?.(chunk);
  }
  await pool.query('ANALYZE events; ANALYZE streams; ANALYZE commands');
  return written;
}
