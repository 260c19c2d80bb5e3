import 'server-only';
import type pg from 'pg';
import { z } from 'zod';
import { buildTimeline, stateAtVersion, versionAt, type OrderTimeline, type Verification } from '../audit';
import { OrderEventShapeError, orderStreamId } from '../order-stream';
import { withTransaction } from '../db/transaction';
import { isOrderHistoryError, type ExistingOrder } from '../domain/order';
import { notFound, validationError } from '../errors';
import type { Queryable, RecordedEvent, VerifyResult } from '../event-store';
import { getCoverage } from '../ledger/queries';
import type { Services } from '../server/services';
import { instant, param, wholeNumber } from './query-params';

// The audit trail of one order, read from its own events (never a projection):
// the timeline, the order as of a version or a moment, and the verdict on its
// hash chain. The logic is pure and lives in lib/audit; this file reads.

export type AuditServices = Pick<Services, 'pool' | 'store'>;

// ---------------------------------------------------------------------------
// The timeline

/** Every event with who, when, why, what it changed and the state after it; NOT_FOUND for an unknown order. */
export async function getOrderTimeline(services: AuditServices, orderId: string): Promise<OrderTimeline> {
  const streamId = orderStreamId(orderId);
  // One snapshot for every read, so the verdict is about exactly the events shown.
  const { events, verdict, customerName, coverage } = await inSnapshot(services.pool, async (db) => {
    const events = await services.store.readStream(streamId, {}, db);
    return {
      events,
      verdict: await services.store.verifyStream(streamId, db),
      customerName: await customerNameOf(db, events),
      coverage: await getCoverage(
        db,
        events.map((event) => event.position),
      ),
    };
  });
  if (verdict.version === 0) throw notFound(`Order ${orderId} does not exist.`);
  const verification: Verification = verdict.ok
    ? { ok: true }
    : { ok: false, brokenAtVersion: verdict.brokenAtVersion, reason: verdict.reason };
  return buildTimeline(orderId, events, verification, customerName, coverage);
}

/** The name of the customer the order was placed for; undefined when unknown (the event keeps the id). */
async function customerNameOf(db: Queryable, events: readonly { type: string; data: unknown }[]) {
  const placed = events.find((event) => event.type === 'OrderPlaced')?.data as { customerId?: unknown } | undefined;
  const id = placed?.customerId;
  if (typeof id !== 'string' || !z.uuid().safeParse(id).success) return undefined;
  const { rows } = await db.query<{ name: string }>('SELECT name FROM customers WHERE id = $1', [id]);
  return rows[0]?.name;
}

// ---------------------------------------------------------------------------
// Verification

export type OrderVerdict = VerifyResult;

/** The order's hash chain checked event by event (see verifyStream); NOT_FOUND for an unknown order. */
export async function verifyOrder(services: AuditServices, orderId: string): Promise<OrderVerdict> {
  const verdict = await services.store.verifyStream(orderStreamId(orderId));
  if (verdict.version === 0) throw notFound(`Order ${orderId} does not exist.`);
  return verdict;
}

// ---------------------------------------------------------------------------
// The order as of a version or a moment

// Versions are int4 in the database; the real upper bound (the order's current
// version) is checked once the stream is read.
const VERSION_MAX = 999_999_999;

export type OrderStateQuery = { version: number } | { at: Date };

/** `?version=N` or `?at=<ISO date-time with zone>`, exactly one of them. */
export const orderStateQuerySchema = z
  .object({ version: param(wholeNumber('Version', 1, VERSION_MAX)), at: param(instant('At')) })
  .transform((query, ctx): OrderStateQuery => {
    if (query.version !== undefined && query.at !== undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'Give either version or at, not both.' });
      return z.NEVER;
    }
    if (query.version !== undefined) return { version: query.version };
    if (query.at !== undefined) return { at: query.at };
    ctx.addIssue({ code: 'custom', path: [], message: 'Give version=<number> or at=<ISO 8601 date and time>.' });
    return z.NEVER;
  });

export type OrderStateAsOf = {
  orderId: string;
  /** The version the state is at: the one asked for, or the last one recorded by `at`. */
  version: number;
  /** The order's latest version now. */
  currentVersion: number;
  /** The moment asked for (normalised to UTC), or null when a version was asked for. */
  at: string | null;
  /** When that version's event was recorded, and when it says it happened. */
  recordedAt: string;
  occurredAt: string;
  order: ExistingOrder;
};

/**
 * The order replayed up to a version, or up to the last event RECORDED at or
 * before a moment (transaction time; see versionAt in lib/audit/replay.ts for
 * why not occurredAt). Errors: NOT_FOUND for an unknown order and for a moment
 * before the order's first event was recorded (the order did not exist yet, so
 * there is nothing to show, just as for an unknown id; the message says
 * which); VALIDATION for a version past the current one.
 */
export async function getOrderStateAsOf(
  services: Pick<AuditServices, 'store'>,
  orderId: string,
  query: OrderStateQuery,
): Promise<OrderStateAsOf> {
  const events = await services.store.readStream(orderStreamId(orderId));
  const current = events.at(-1)?.version ?? 0;
  if (current === 0) throw notFound(`Order ${orderId} does not exist.`);

  let version: number;
  if ('version' in query) {
    if (query.version > current) {
      const message = `Version must be a whole number from 1 to ${current}, the order's current version.`;
      throw validationError({ version: message }, message);
    }
    version = query.version;
  } else {
    version = versionAt(events, query.at);
    if (version === 0) {
      throw notFound(
        `Order ${orderId} did not exist yet at ${query.at.toISOString()}: ` +
          `its first event was recorded at ${events[0]!.recordedAt.toISOString()}.`,
      );
    }
  }

  // A stream with a version missing (deleted behind the store's back) has no
  // state to show from that version on: say so instead of replaying around it.
  const gap = events.findIndex((event, index) => index < version && event.version !== index + 1);
  if (gap !== -1 || events.length < version) {
    const missing = gap === -1 ? events.length + 1 : gap + 1;
    throw notFound(
      `Version ${missing} of order ${orderId} is missing from its history, so its state at version ${version} ` +
        `cannot be derived; GET /api/orders/${orderId}/verify names the break.`,
    );
  }
  const order = replayTo(orderId, events, version);
  // An event log whose first event is not a placement is corrupt: a 500, not a user error.
  if (order.status === 'empty') throw new Error(`Order ${orderId} has no placement up to version ${version}.`);
  const event = events[version - 1]!;
  return {
    orderId,
    version,
    currentVersion: current,
    at: 'at' in query ? query.at.toISOString() : null,
    recordedAt: event.recordedAt.toISOString(),
    occurredAt: event.occurredAt.toISOString(),
    order,
  };
}

/** stateAtVersion, with a refused event (see foldHistory) said as such instead of a 500. */
function replayTo(orderId: string, events: RecordedEvent[], version: number) {
  try {
    return stateAtVersion(events, version);
  } catch (error) {
    if (!isOrderHistoryError(error) && !(error instanceof OrderEventShapeError)) throw error;
    throw notFound(
      `The state of order ${orderId} at version ${version} cannot be derived: the order's rules refuse ` +
        `its history (${error.message}). The audit timeline shows where.`,
    );
  }
}

// ---------------------------------------------------------------------------

/** Reads that must agree with each other: one REPEATABLE READ snapshot, read-only. */
function inSnapshot<T>(pool: pg.Pool, run: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, run, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}
