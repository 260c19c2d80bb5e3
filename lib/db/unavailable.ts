import { AppError } from '../errors';

// "The database did not answer" is not a bug in the request: it is a 503 the
// client may retry, not a 500. Recognised by codes (socket errno, SQLSTATE,
// Prisma's and its pg adapter's), plus the few fixed messages with which pg
// and pg-pool report a lost or timed-out connection (they carry no code).

/** Seconds a client is asked to wait (Retry-After): about one supervised restart of the embedded server. */
export const RETRY_AFTER_SECONDS = 2;

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up, recovering). */
const SQLSTATES = new Set(['57P01', '57P02', '57P03']);
/** P1001 can't reach the server, P1002 it timed out, P1017 it closed the connection. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017']);
/** @prisma/adapter-pg's kinds for socket errors (lib/db/prisma.ts). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
/** pg and pg-pool's own errors for a connection that died or never came (they have no code). */
const PG_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
]);

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const e = error as {
    code?: unknown;
    kind?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (typeof e.code === 'string') {
    if (SOCKET_CODES.has(e.code) || SQLSTATES.has(e.code) || PRISMA_CODES.has(e.code)) return true;
    // Class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.message === 'string' && PG_MESSAGES.has(e.message)) return true;
  // Prisma wraps the adapter's error; AggregateError (a connect to several addresses) lists each.
  const inner = [e.cause, e.meta?.driverAdapterError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((cause) => isDatabaseUnavailable(cause, depth + 1));
}

export const unavailable = () =>
  new AppError('UNAVAILABLE', 'The database is not reachable right now. Try again in a moment.', {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });

/** The error as callers should see it: an unreachable database becomes UNAVAILABLE, anything else stays. */
export const asUnavailable = (error: unknown): unknown => (isDatabaseUnavailable(error) ? unavailable() : error);
