'use client';

import { useState, type FormEvent } from 'react';
import { formatMoney, minorUnitDigits, parseMajorToMinor } from '@/components/format/money';
import { Button } from '@/components/ui/button';
import { controlA11y, controlClass, Field } from '@/components/ui/field';
import { REASON_MAX } from '@/lib/domain/order/rules';
import { adjustOrderPriceAction } from './actions';
import { CommandError } from './command-error';
import { adjustOrderPriceSchema } from '@/lib/commands/schemas';
import { useCommand } from './use-command';
import { useFieldErrors } from './use-field-errors';

// The amount is typed in major units and checked here; the reason with the server's own rule.
const reasonOnly = adjustOrderPriceSchema.pick({ reason: true });

type AdjustPriceFormProps = {
  orderId: string;
  version: number;
  currency: string;
  total: number;
  onAdjusted: () => void;
  onDiscard: () => void;
};

/**
 * People think in euros, the ledger in cents: the amount is typed in major
 * units and converted exactly (as text, never through a float) before sending.
 */
export function AdjustPriceForm({ orderId, version, currency, total, onAdjusted, onDiscard }: AdjustPriceFormProps) {
  const command = useCommand(adjustOrderPriceAction);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const delta = parseMajorToMinor(amount, currency);
  const example = (12.5).toFixed(minorUnitDigits(currency));
  const amountHint = `Positive to charge more, negative for a discount (e.g. -${example}).`;
  const check = useFieldErrors(reasonOnly, { reason }, command.error?.fields);
  const fields = check.errors;
  const shownAmountError = amountError ?? fields.amountDelta;
  const newTotal = delta === null ? null : total + delta;
  // The domain states this rule in minor units; the person typed euros.
  const ruleMessage =
    command.error?.rule === 'NEGATIVE_TOTAL'
      ? `That would make the total negative: the largest possible discount is ${formatMoney(-total, currency)}.`
      : undefined;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reasonOk = check.check();
    if (delta === null) {
      setAmountError(amount.trim() ? `Enter an amount such as ${example} or -${example}.` : 'Amount is required.');
      return;
    }
    if (!reasonOk) return;
    command.submit({ orderId, expectedVersion: version, amountDelta: delta, reason }, onAdjusted);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Adjust price">
      <CommandError error={command.error} title="The price was not adjusted" message={ruleMessage} />
      <Field id="adjust-amount" label={`Amount (${currency})`} error={shownAmountError} hint={amountHint}>
        <input
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          onChange={(event) => {
            setAmount(event.target.value);
            setAmountError(null);
            command.clearField('amountDelta');
          }}
          {...controlA11y('adjust-amount', shownAmountError, amountHint)}
          className={`${controlClass} tabular-nums`}
        />
      </Field>
      <Field id="adjust-reason" label="Reason" error={fields.reason}>
        <textarea
          rows={2}
          maxLength={REASON_MAX}
          value={reason}
          onChange={(event) => {
            setReason(event.target.value);
            command.clearField('reason');
            check.touch('reason');
          }}
          {...controlA11y('adjust-reason', fields.reason)}
          className={controlClass}
        />
      </Field>
      <p className="text-sm text-slate-600" aria-live="polite">
        New total:{' '}
        <span
          className={`font-medium tabular-nums ${newTotal !== null && newTotal < 0 ? 'text-red-700' : 'text-slate-900'}`}
        >
          {newTotal === null ? '—' : formatMoney(newTotal, currency)}
        </span>
      </p>
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={onDiscard} disabled={command.pending}>
          Discard
        </Button>
        <Button type="submit" pending={command.pending}>
          Apply adjustment
        </Button>
      </div>
    </form>
  );
}
