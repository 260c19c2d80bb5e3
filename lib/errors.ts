// Typed errors with codes. Use cases throw them; routes and actions turn them
// into responses in one place (lib/http/respond.ts, lib/actions/result.ts),
// so a client sees the same code wherever it calls from.

export type AppErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RULE_VIOLATION'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'UNAVAILABLE';

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RULE_VIOLATION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** Field path (e.g. `items.2.quantity`) → what is wrong with it. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: {
      fields?: FieldErrors;
      rule?: string;
      retryAfterSeconds?: number;
      /** A refused switch carries the comparison that refused it. */
      comparison?: unknown;
    } = {},
  ) {
    super(message);
  }

  get status() {
    return HTTP_STATUS[this.code];
  }

  toJSON() {
    return { code: this.code, message: this.message, ...this.details };
  }
}

export const validationError = (fields: FieldErrors, message = 'The request is not valid.') =>
  new AppError('VALIDATION', message, { fields });
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const unauthenticated = (message = 'Sign in first.') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(
    'RATE_LIMITED',
    `Too many sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
    {
      retryAfterSeconds,
    },
  );
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const ruleViolation = (rule: string, message: string) => new AppError('RULE_VIOLATION', message, { rule });

/** Bundled server chunks may load this module twice, so check the shape too. */
export function isAppError(error: unknown): error is AppError {
  return (
    error instanceof AppError ||
    (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AppError')
  );
}
