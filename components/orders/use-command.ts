'use client';

import { useRef, useState, useTransition } from 'react';
import type { ActionError, ActionResult } from '@/lib/actions/result';
import { callAction } from './call-action';
import { newCommandId } from './command-id';

/**
 * Sends one command through a server action and keeps its pending state and
 * error. The command id is tied to the payload: sending the same payload
 * again (a double submit, a retry after a dropped connection) reuses the id,
 * so the server records it once; any edit makes it a new command.
 */
export function useCommand<P extends object, T>(
  action: (request: P & { commandId: string }) => Promise<ActionResult<T>>,
) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<ActionError | null>(null);
  const attempt = useRef<{ key: string; commandId: string } | null>(null);

  function submit(payload: P, onSuccess: (data: T) => void) {
    const key = JSON.stringify(payload);
    if (attempt.current?.key !== key) attempt.current = { key, commandId: newCommandId() };
    const { commandId } = attempt.current;
    setError(null);
    startTransition(async () => {
      const result = await callAction(action, { ...payload, commandId });
      startTransition(() => {
        if (result.ok) {
          // The next submit is a new command even if it carries the same payload.
          attempt.current = null;
          onSuccess(result.data);
        } else {
          setError(result.error);
        }
      });
    });
  }

  /** Forgets the error shown for one field once the user edits it. */
  function clearField(field: string) {
    setError((current) => {
      if (!current?.fields || !(field in current.fields)) return current;
      const fields = { ...current.fields };
      delete fields[field];
      return { ...current, fields };
    });
  }

  return { submit, pending, error, setError, clearField };
}
