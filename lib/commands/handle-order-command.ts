import { createHash, randomUUID } from 'node:crypto';
import { conflict, notFound, ruleViolation, validationError } from '../errors';
import { ConcurrencyError, CommandIdReusedError, type NewEvent } from '../event-store';
import {
  decide,
  evolve,
  initialState,
  isOrderRuleError,
  type OrderCommand,
  type OrderEvent,
  type OrderRuleError,
} from '../domain/order';
import type { CommandContext, CommandResult, CommandServices } from './types';

/** Conflicts are retried on fresh state this many times before giving up. */
const MAX_ATTEMPTS = 4;
export const ORDER_STREAM_TYPE = 'order';
export const orderStreamId = (orderId: string) => `order-${orderId}`;

/**
 * Load the order's events → decide → append with the version that was read.
 * When another writer got there first, decide again on the fresh state (the
 * decision is pure, so re-running it is safe), up to MAX_ATTEMPTS; a caller
 * that named its expected version gets the conflict instead.
 */
export async function handleOrderCommand(
  services: CommandServices,
  orderId: string,
  request: { type: OrderCommand['type']; input: unknown },
  buildCommand: (now: Date) => OrderCommand,
  context: CommandContext,
): Promise<CommandResult> {
  const { store } = services;
  const streamId = orderStreamId(orderId);
  const commandId = context.commandId ?? randomUUID();
  const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');

  if (context.commandId) {
    const first = await store.findCommand(commandId);
    if (first) {
      if (first.fingerprint !== fingerprint) throw reusedKey(commandId);
      return { orderId: orderIdOf(first.streamId), version: first.result.version, position: first.result.position };
    }
  }

  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(streamId);
    const version = history.at(-1)?.version ?? 0;
    const state = history.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as OrderEvent), initialState());
    if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
      if (version === 0) throw notFound(`Order ${orderId} does not exist.`);
      throw conflict(`Order ${orderId} is at version ${version}, not ${context.expectedVersion}. Reload it and try again.`);
    }

    const now = context.now ?? new Date();
    let events: OrderEvent[];
    try {
      events = decide(buildCommand(now), state);
    } catch (error) {
      if (isOrderRuleError(error)) throw toAppError(error);
      throw error;
    }
    if (events.length === 0) {
      // An idempotent re-send: nothing changes, report where the order stands.
      return { orderId, version, position: history.at(-1)!.position };
    }

    const metadata = {
      commandId,
      commandType: request.type,
      correlationId: context.correlationId ?? commandId,
      causationId: context.causationId ?? commandId,
      ...(context.actor ? { actor: context.actor } : {}),
    };
    const newEvents: NewEvent[] = events.map((e) => ({ type: e.type, data: e.data, metadata, occurredAt: now }));
    try {
      const result = await store.append(streamId, newEvents, {
        expectedVersion: version,
        streamType: ORDER_STREAM_TYPE,
        commandId,
        fingerprint,
      });
      return { orderId: orderIdOf(result.streamId), version: result.version, position: result.position };
    } catch (error) {
      if (error instanceof CommandIdReusedError) {
        // Two identical requests with one key raced (a new order gets a new
        // id per attempt, so the store saw two streams): the first one's
        // result is the answer when the request is the same.
        const first = await store.findCommand(commandId);
        if (first?.fingerprint === fingerprint) {
          return { orderId: orderIdOf(first.streamId), version: first.result.version, position: first.result.position };
        }
        throw reusedKey(commandId);
      }
      if (!(error instanceof ConcurrencyError)) throw error;
      if (context.expectedVersion !== undefined || attempt >= MAX_ATTEMPTS) {
        throw conflict(`Order ${orderId} was changed by someone else (now at version ${error.actualVersion}). Reload it and try again.`);
      }
    }
  }
}

function orderIdOf(streamId: string) {
  return streamId.slice('order-'.length);
}

function reusedKey(commandId: string) {
  return conflict(`Idempotency key ${commandId} was already used for a different request.`);
}

function toAppError(error: OrderRuleError) {
  switch (error.kind) {
    case 'not_found':
      return notFound(error.message);
    case 'invalid_input':
      return validationError({ [error.field ?? '_']: error.message }, error.message);
    case 'rule_violation':
      return ruleViolation(error.code, error.message);
  }
}
