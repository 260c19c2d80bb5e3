'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { formatMoney } from '@/components/format/money';
import { LocalTime } from '@/components/format/local-time';
import { Button } from '@/components/ui/button';
import { CancelReasonSelect } from '@/components/orders/cancel-reason-select';
import type { CancelReasonCode } from '@/lib/domain/order/rules';
import { controlA11y, controlClass } from '@/components/ui/field';
import { TEMP_ID_PREFIX, type OrderRow as Row, type RowSync } from './types';
import { useCan } from '@/components/auth/user-context';

type RowStatus = Row['status'] | 'cancelling';

const STATUS: Record<RowStatus, { label: string; className: string }> = {
  placed: { label: 'Placed', className: 'bg-sky-50 text-sky-800 ring-sky-600/20' },
  shipped: { label: 'Shipped', className: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20' },
  cancelled: { label: 'Cancelled', className: 'bg-slate-100 text-slate-700 ring-slate-500/20' },
  cancelling: { label: 'Cancelled (pending)', className: 'bg-amber-50 text-amber-800 ring-amber-600/20' },
};

type OrderRowProps = {
  row: Row;
  status: RowStatus;
  sync: RowSync;
  error?: string;
  onCancel: (row: Row, reason: string, reasonCode: CancelReasonCode) => void;
  onDismissError: () => void;
};

export function OrderRow({ row, status, sync, error, onCancel, onDismissError }: OrderRowProps) {
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonCode, setReasonCode] = useState<CancelReasonCode | ''>('');
  const temp = row.orderId.startsWith(TEMP_ID_PREFIX);
  const short = temp ? 'new' : row.orderId.slice(0, 8);
  const name = row.customerName ?? 'Unknown customer';
  const mayWrite = useCan('orders:write');
  const canCancel = mayWrite && status === 'placed' && !row.local && !temp;
  const reasonId = `cancel-reason-${row.orderId}`;
  const badge = STATUS[status];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!reasonCode) return;
    onCancel(row, reason, reasonCode);
    setCancelling(false);
    setReason('');
    setReasonCode('');
  }

  return (
    <li
      data-testid="order-row"
      data-order-id={temp ? undefined : row.orderId}
      aria-busy={sync === 'pending' || undefined}
      className="px-4 py-3 sm:px-5"
    >
      <div className="grid grid-cols-[1fr_auto] items-center gap-x-4 gap-y-2 sm:grid-cols-[minmax(0,1fr)_11rem_7rem_6.5rem]">
        <div className="min-w-0">
          {temp ? (
            <p className="truncate font-medium text-slate-900">{name}</p>
          ) : (
            <Link
              href={`/orders/${row.orderId}`}
              className="truncate font-medium text-slate-900 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
            >
              {name}
              <span className="sr-only">, order #{short}</span>
            </Link>
          )}
          <p className="mt-0.5 text-xs text-slate-500">
            <span className="font-mono">#{short}</span>
            <span aria-hidden="true"> · </span>
            <LocalTime iso={row.placedAt} />
            <span aria-hidden="true"> · </span>
            {row.itemCount} {row.itemCount === 1 ? 'item' : 'items'}
            {!temp && (
              <>
                <span aria-hidden="true"> · </span>
                <Link
                  href={`/orders/${row.orderId}/audit`}
                  className="underline-offset-2 hover:text-slate-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
                >
                  Audit<span className="sr-only"> timeline of order #{short}</span>
                </Link>
              </>
            )}
          </p>
        </div>
        <div className="flex flex-wrap items-center justify-end gap-1.5 sm:justify-start">
          <span
            data-testid="order-status"
            className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset ${badge.className}`}
          >
            <span className="size-1.5 rounded-full bg-current" aria-hidden="true" />
            {badge.label}
          </span>
          {sync && (
            <span
              data-testid="order-sync"
              role="status"
              className={`text-xs font-medium ${sync === 'pending' ? 'text-amber-700' : 'text-emerald-700'}`}
            >
              {sync === 'pending' ? 'Pending' : 'Confirmed'}
            </span>
          )}
        </div>
        <p className="font-medium tabular-nums text-slate-900 sm:text-right">{formatMoney(row.total, row.currency)}</p>
        <div className="flex justify-end">
          {canCancel && !cancelling && (
            <Button
              variant="ghost"
              className="min-h-8 px-3 py-1"
              onClick={() => setCancelling(true)}
              aria-label={`Cancel order #${short}`}
            >
              Cancel…
            </Button>
          )}
        </div>
      </div>

      {cancelling && (
        <form
          onSubmit={submit}
          aria-label={`Cancel order #${short}`}
          className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end"
        >
          <div className="sm:w-48">
            <label htmlFor={`${reasonId}-code`} className="mb-1 block text-sm font-medium text-slate-700">
              Reason code
            </label>
            <CancelReasonSelect id={`${reasonId}-code`} value={reasonCode} onChange={setReasonCode} />
          </div>
          <div className="grow">
            <label htmlFor={reasonId} className="mb-1 block text-sm font-medium text-slate-700">
              Reason for cancelling
            </label>
            <input
              autoFocus
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              required
              maxLength={500}
              {...controlA11y(reasonId)}
              className={controlClass}
            />
          </div>
          <div className="flex gap-2">
            <Button type="submit" variant="danger" disabled={!reason.trim() || !reasonCode}>
              Confirm cancel
            </Button>
            <Button variant="secondary" onClick={() => setCancelling(false)}>
              Keep order
            </Button>
          </div>
        </form>
      )}

      {error && (
        <div
          role="alert"
          className="mt-3 flex items-start justify-between gap-2 rounded-lg border border-red-200 bg-red-50 p-2 text-sm text-red-800"
        >
          <p className="min-w-0 break-anywhere">{error}</p>
          <button type="button" onClick={onDismissError} className="shrink-0 font-medium underline">
            Dismiss
          </button>
        </div>
      )}
    </li>
  );
}
