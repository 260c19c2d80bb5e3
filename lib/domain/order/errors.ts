import type { OrderEvent, OrderState } from './events';

export type OrderRuleKind = 'invalid_input' | 'rule_violation' | 'not_found';

/** The kind is fixed per code so the API can map codes to HTTP statuses
 * without a second table that could drift. */
export const ORDER_RULE_KINDS = {
  ORDER_NOT_FOUND: 'not_found',
  ORDER_ALREADY_EXISTS: 'rule_violation',
  ORDER_CANCELLED: 'rule_violation',
  ORDER_ALREADY_SHIPPED: 'rule_violation',
  NEGATIVE_TOTAL: 'rule_violation',
  ORDER_TOTAL_TOO_LARGE: 'rule_violation',
  UNKNOWN_CUSTOMER: 'invalid_input',
  UNKNOWN_SKU: 'invalid_input',
  TOO_FEW_LINES: 'invalid_input',
  TOO_MANY_LINES: 'invalid_input',
  DUPLICATE_SKU: 'invalid_input',
  INVALID_QUANTITY: 'invalid_input',
  MIXED_CURRENCY: 'invalid_input',
  INVALID_ADDRESS: 'invalid_input',
  INVALID_REASON: 'invalid_input',
  INVALID_REASON_CODE: 'invalid_input',
  INVALID_AMOUNT: 'invalid_input',
} as const satisfies Record<string, OrderRuleKind>;

export type OrderRuleCode = keyof typeof ORDER_RULE_KINDS;

export const ORDER_RULE_CODES = Object.keys(ORDER_RULE_KINDS) as OrderRuleCode[];

export class OrderRuleError extends Error {
  override readonly name = 'OrderRuleError';
  readonly code: OrderRuleCode;
  readonly kind: OrderRuleKind;
  /** Dotted path into the command data (e.g. `items.2.quantity`); only set
   * when the input is at fault rather than the order's current state. */
  // `declare` so the property is absent, not `undefined`, when there is no
  // field: serialised errors then carry no empty key.
  declare readonly field?: string;

  constructor(code: OrderRuleCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.kind = ORDER_RULE_KINDS[code];
    if (field !== undefined) this.field = field;
  }
}

export function isOrderRuleError(error: unknown): error is OrderRuleError {
  if (error instanceof OrderRuleError) return true;
  // Bundlers can load this module twice (e.g. separate server chunks), which
  // breaks instanceof; fall back to the shape.
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown; kind?: unknown };
  return (
    candidate.name === 'OrderRuleError' &&
    typeof candidate.code === 'string' &&
    Object.prototype.hasOwnProperty.call(ORDER_RULE_KINDS, candidate.code) &&
    typeof candidate.kind === 'string'
  );
}

/**
 * Thrown by evolve() when stored history cannot be applied (e.g. OrderShipped
 * on an order that was never placed). That means the stream is corrupt or a
 * writer bypassed decide(); it is a bug, never a user error, so it is not an
 * OrderRuleError.
 */
export class OrderHistoryError extends Error {
  override readonly name = 'OrderHistoryError';
  readonly eventType: OrderEvent['type'];
  readonly status: OrderState['status'];

  /** What is wrong, without the event's type: the event itself (see amountProblem), or its place in the history. */
  readonly reason: string;

  constructor(event: OrderEvent, state: OrderState, reason?: string) {
    const why = reason ?? `it cannot follow an order in status '${state.status}'`;
    super(`Cannot apply ${event.type}: ${why}`);
    this.reason = why;
    this.eventType = event.type;
    this.status = state.status;
  }
}

/** Shape check too, as for OrderRuleError: bundled chunks may load this module twice. */
export function isOrderHistoryError(error: unknown): error is OrderHistoryError {
  return (
    error instanceof OrderHistoryError ||
    (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'OrderHistoryError')
  );
}
