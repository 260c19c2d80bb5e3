import { controlA11y, controlClass } from '@/components/ui/field';
import { CANCEL_REASON_CODES, CANCEL_REASON_LABELS, type CancelReasonCode } from '@/lib/domain/order/rules';

type CancelReasonSelectProps = {
  id: string;
  value: CancelReasonCode | '';
  onChange: (code: CancelReasonCode | '') => void;
  error?: string;
};

/** The reason code a cancellation is counted under; nothing is chosen for the user. */
export function CancelReasonSelect({ id, value, onChange, error }: CancelReasonSelectProps) {
  return (
    <select
      value={value}
      onChange={(event) => onChange(event.target.value as CancelReasonCode | '')}
      required
      {...controlA11y(id, error)}
      className={controlClass}
    >
      <option value="" disabled>
        Choose a reason…
      </option>
      {CANCEL_REASON_CODES.map((code) => (
        <option key={code} value={code}>
          {CANCEL_REASON_LABELS[code]}
        </option>
      ))}
    </select>
  );
}
