import type { Services } from '../server/services';

/** Who is asking and how; all optional, every field has a sensible default. */
export type CommandContext = {
  /** Makes the command idempotent (the API's Idempotency-Key). Defaults to a new id. */
  commandId?: string;
  /** The version the caller saw (the API's If-Match). When given, a newer stream is a conflict, never retried. */
  expectedVersion?: number;
  actor?: { id: string; name: string };
  /** Ties several commands together (X-Correlation-Id); defaults to the request id, then the command id. */
  correlationId?: string;
  causationId?: string;
  /** The HTTP request that carried the command (X-Request-Id, lib/observability/request-id.ts), kept in the events' metadata. */
  requestId?: string;
  /** Injected for tests; defaults to the clock. */
  now?: Date;
};

export type CommandResult = { orderId: string; version: number; position: string };

export type CommandServices = Pick<Services, 'store' | 'pool'>;
