'use client';

import { useState, type FormEvent } from 'react';
import { CancelReasonSelect } from '@/components/orders/cancel-reason-select';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { controlA11y, controlClass, Field } from '@/components/ui/field';
import { REASON_MAX, type CancelReasonCode } from '@/lib/domain/order/rules';

type CancelDialogProps = {
  /** "order #1a2b3c4d for Ada Lovelace", or null while closed. */
  subject: string | null;
  onConfirm: (reason: string, reasonCode: CancelReasonCode) => void;
  onClose: () => void;
};

/** Cancelling cannot be undone: the list asks for the reason, and the confirmation, in a dialog. */
export function CancelDialog({ subject, onConfirm, onClose }: CancelDialogProps) {
  const [reason, setReason] = useState('');
  const [reasonCode, setReasonCode] = useState<CancelReasonCode | ''>('');
  const [tried, setTried] = useState(false);
  const codeError = tried && !reasonCode ? 'Choose why the order is cancelled.' : undefined;
  const reasonError = tried && !reason.trim() ? 'Reason is required.' : undefined;

  function close() {
    setReason('');
    setReasonCode('');
    setTried(false);
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setTried(true);
    if (!reasonCode || !reason.trim()) return;
    onConfirm(reason, reasonCode);
    close();
  }

  return (
    <Dialog
      open={subject !== null}
      title="Cancel this order?"
      description={<>Cancelling {subject} cannot be undone. The reason is kept in its history.</>}
      onClose={close}
    >
      <form onSubmit={submit} noValidate aria-label="Cancel order" className="space-y-4">
        <Field id="list-cancel-code" label="Reason code" error={codeError}>
          <CancelReasonSelect id="list-cancel-code" value={reasonCode} error={codeError} onChange={setReasonCode} />
        </Field>
        <Field id="list-cancel-reason" label="Reason for cancelling" error={reasonError}>
          <input
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            maxLength={REASON_MAX}
            {...controlA11y('list-cancel-reason', reasonError)}
            className={controlClass}
          />
        </Field>
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Keep order
          </Button>
          <Button type="submit" variant="danger">
            Confirm cancel
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
