import 'server-only';
import { randomUUID } from 'node:crypto';
import { unstable_rethrow } from 'next/navigation';
import { ZodError } from 'zod';
import { fieldErrors, fieldsSummary } from '../commands/schemas';
import { asUnavailable } from '../db/unavailable';
import { isAppError, type AppErrorCode } from '../errors';
import { loggerFor } from '../observability/logger';

// Server actions return their failures instead of throwing them: a thrown
// error reaches the browser as an opaque digest in production, while a
// returned one keeps its code, message and per-field details for the form.

export type ActionError = {
  code: AppErrorCode;
  message: string;
  /** Field path (e.g. `items.0.quantity`, `shippingAddress.city`) → what is wrong with it. */
  fields?: Record<string, string>;
  /** The domain rule that refused the command (e.g. `ORDER_CANCELLED`). */
  rule?: string;
};

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/**
 * Runs one use case and maps its failure into an ActionResult. `name` only
 * labels the server log line of an unexpected error.
 */
export async function runAction<T>(name: string, run: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await run() };
  } catch (error) {
    // redirect() and notFound() work by throwing; they are not failures.
    unstable_rethrow(error);
    return { ok: false, error: toActionError(name, error) };
  }
}

export function toActionError(name: string, thrown: unknown): ActionError {
  const error = asUnavailable(thrown);
  if (isAppError(error)) {
    const { fields, rule } = error.details;
    return { code: error.code, message: error.message, ...(fields ? { fields } : {}), ...(rule ? { rule } : {}) };
  }
  if (isZodError(error)) {
    const fields = fieldErrors(error);
    return { code: 'VALIDATION', message: fieldsSummary(fields), fields };
  }
  // The reference lets a user's report be matched to this log line without
  // showing them internals (SQL, stack traces).
  const reference = randomUUID().slice(0, 8);
  loggerFor('action').error({ action: name, reference, err: error }, 'unexpected error');
  return {
    code: 'INTERNAL',
    message: `Something went wrong on our side (ref ${reference}). Please try again.`,
  };
}

/** Bundled server chunks may load zod twice, so check the shape too. */
function isZodError(error: unknown): error is ZodError {
  return (
    error instanceof ZodError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'ZodError' &&
      Array.isArray((error as { issues?: unknown }).issues))
  );
}
