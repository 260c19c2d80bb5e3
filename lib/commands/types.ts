import type { Services } from '../server/services';

/** Who is asking and how; all optional, every field has a sensible default. */
export type CommandContext = {
  /** Makes the command idempotent (the API's Idempotency-Key). Defaults to a new id. */
  commandId?: string;
  /** The version the caller saw (the API's If-Match). When given, a newer stream is a conflict, never retried. */
  expectedVersion?: number;
  actor?: { id: string; name: string };
  correlationId?: string;
  causationId?: string;
  /** Injected for tests; defaults to the clock. */
  now?: Date;
};

export type CommandResult = { orderId: string; version: number; position: string };

export type CommandServices = Pick<Services, 'store' | 'pool'>;
