'use client';

import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { ErrorBanner } from '@/components/ui/alert';
import { controlA11y, controlClass, Field } from '@/components/ui/field';
import type { ProjectionAction } from './api';
import { actionErrorMessage, useProjectionAction } from './use-projection-action';

/** What the API accepts as a reason (lib/projections/operations.ts). */
export const REASON_MAX = 500;

type ActionFormProps = {
  /** The button's name, and the form's. */
  label: string;
  confirmLabel: string;
  variant?: ButtonVariant;
  /** The confirm button's look; a destructive action opens from a quiet button and confirms in red. */
  confirmVariant?: ButtonVariant;
  /** What will happen, said before the operator confirms. */
  description?: ReactNode;
  reasonRequired: boolean;
  build: (reason: string) => ProjectionAction;
  /** Shown once it is done, until the form is opened again. */
  done: string;
};

/**
 * A button that opens a short form: what will happen, a reason (kept in the
 * operations log), confirm. The API's refusal is shown in its own words and
 * the form stays open so the operator can change the reason or give up.
 */
export function ActionForm({
  label,
  confirmLabel,
  variant = 'secondary',
  confirmVariant = 'primary',
  description,
  reasonRequired,
  build,
  done,
}: ActionFormProps) {
  const id = useId();
  const action = useProjectionAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (reasonRequired && reason.trim() === '') {
      setMissing(true);
      return;
    }
    action.mutate(build(reason), {
      onSuccess: () => {
        setOpen(false);
        setReason('');
      },
    });
  }

  if (!open) {
    return (
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant={variant}
          onClick={() => {
            action.reset();
            setOpen(true);
          }}
        >
          {label}
        </Button>
        {action.isSuccess && (
          <p role="status" className="text-sm text-emerald-700">
            {done}
          </p>
        )}
      </div>
    );
  }

  const error = missing ? 'Reason is required.' : undefined;
  const hint = reasonRequired ? 'Kept in the operations log.' : 'Optional; kept in the operations log.';
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={label}
      className="w-full space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-3"
    >
      {description && <div className="text-sm text-slate-700">{description}</div>}
      {action.isError && <ErrorBanner title={`${label}: refused`}>{actionErrorMessage(action.error)}</ErrorBanner>}
      <ReasonField
        id={`${id}-reason`}
        value={reason}
        error={error}
        hint={hint}
        autoFocus
        onChange={(value) => {
          setReason(value);
          setMissing(false);
        }}
      />
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={() => setOpen(false)} disabled={action.isPending}>
          Cancel
        </Button>
        <Button type="submit" variant={confirmVariant} pending={action.isPending}>
          {confirmLabel}
        </Button>
      </div>
    </form>
  );
}

/** The reason an operator gives for an action: kept in the operations log, at most REASON_MAX characters. */
export function ReasonField({
  id,
  value,
  error,
  hint,
  autoFocus = false,
  onChange,
}: {
  id: string;
  value: string;
  error: string | undefined;
  hint: string;
  autoFocus?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <Field id={id} label="Reason" error={error} hint={hint}>
      <input
        type="text"
        maxLength={REASON_MAX}
        value={value}
        autoFocus={autoFocus}
        onChange={(event) => onChange(event.target.value)}
        {...controlA11y(id, error, hint)}
        className={controlClass}
      />
    </Field>
  );
}
