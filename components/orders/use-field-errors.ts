'use client';

import { useState } from 'react';
import type { z } from 'zod';
import { fieldErrors } from '@/lib/commands/schemas';

/**
 * A form's field errors from the server's own schema (lib/commands/schemas.ts),
 * checked on every render as the user types: a field shows its error once it
 * has been edited, every field once a submit was tried. Errors only the
 * server can find (an unknown product, a rule) come in `serverFields` and
 * stay until their field is edited (useCommand's clearField).
 */
export function useFieldErrors<S extends z.ZodType>(
  schema: S,
  value: unknown,
  serverFields: Record<string, string> | undefined,
) {
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const result = schema.safeParse(value);
  const live = result.success ? {} : fieldErrors(result.error);
  const errors: Record<string, string> = { ...serverFields };
  for (const [field, message] of Object.entries(live)) {
    if (submitted || touched.has(field)) errors[field] = message;
  }
  return {
    errors,
    /** Every error the schema finds now, shown or not. */
    live,
    touch(field: string) {
      setTouched((all) => (all.has(field) ? all : new Set(all).add(field)));
    },
    /** For a submit: true when the schema accepts the form; otherwise from now on every error shows. */
    check(): boolean {
      setSubmitted(true);
      return result.success;
    },
    reset() {
      setTouched(new Set());
      setSubmitted(false);
    },
  };
}
