'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { controlA11y, controlClass, Field } from '@/components/ui/field';
import { REASON_MAX, type CancelReasonCode } from '@/lib/domain/order/rules';
import { CancelReasonSelect } from './cancel-reason-select';
import { cancelOrderAction } from './actions';
import { CommandError } from './command-error';
import { cancelOrderSchema, fieldsSummary } from '@/lib/commands/schemas';
import { useCommand } from './use-command';
import { useFieldErrors } from './use-field-errors';

const HINT = 'Kept in the order\u2019s history.';

type CancelOrderFormProps = { orderId: string; version: number; onCancelled: () => void; onDiscard: () => void };

export function CancelOrderForm({ orderId, version, onCancelled, onDiscard }: CancelOrderFormProps) {
  const command = useCommand(cancelOrderAction);
  const [reason, setReason] = useState('');
  const [reasonCode, setReasonCode] = useState<CancelReasonCode | ''>('');
  // No default code here: the form always asks (the schema's default is for old scripts).
  const check = useFieldErrors(cancelOrderSchema, { reason, reasonCode: reasonCode || null }, command.error?.fields);
  const error = check.errors.reason;
  const codeError = check.errors.reasonCode;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!check.check()) {
      command.setError({ code: 'VALIDATION', message: fieldsSummary(check.live), fields: check.live });
      return;
    }
    command.submit(
      { orderId, expectedVersion: version, reason, reasonCode: reasonCode as CancelReasonCode },
      onCancelled,
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Cancel order">
      <CommandError error={command.error} title="The order was not cancelled" />
      <Field id="cancel-reason-code" label="Reason code" error={codeError}>
        <CancelReasonSelect
          id="cancel-reason-code"
          value={reasonCode}
          error={codeError}
          onChange={(code) => {
            setReasonCode(code);
            command.clearField('reasonCode');
            check.touch('reasonCode');
          }}
        />
      </Field>
      <Field id="cancel-reason" label="Reason for cancelling" error={error} hint={HINT}>
        <textarea
          rows={3}
          maxLength={REASON_MAX}
          value={reason}
          onChange={(event) => {
            setReason(event.target.value);
            command.clearField('reason');
            check.touch('reason');
          }}
          {...controlA11y('cancel-reason', error, HINT)}
          className={controlClass}
        />
      </Field>
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={onDiscard} disabled={command.pending}>
          Keep order
        </Button>
        <Button type="submit" variant="danger" pending={command.pending}>
          Confirm cancellation
        </Button>
      </div>
    </form>
  );
}
