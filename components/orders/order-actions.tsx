'use client';

import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import type { ShippingAddress } from '@/lib/domain/order/types';
import { useCan } from '@/components/auth/user-context';
import { Notice } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { AdjustPriceForm } from './adjust-price-form';
import { CancelOrderForm } from './cancel-order-form';
import { ChangeAddressForm } from './change-address-form';
import { ShipOrderButton } from './ship-order-button';

type OrderActionsProps = {
  orderId: string;
  /** The version this page shows; every command is sent with it, so a stale page gets a conflict. */
  version: number;
  status: 'placed' | 'shipped' | 'cancelled';
  currency: string;
  total: number;
  shippingAddress: ShippingAddress;
};

type Panel = 'address' | 'adjust' | 'cancel';

export function OrderActions({ orderId, version, status, currency, total, shippingAddress }: OrderActionsProps) {
  const router = useRouter();
  const [open, setOpen] = useState<Panel | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const canWrite = useCan('orders:write');
  const canAdjust = useCan('orders:adjust');
  const readOnly = canWrite ? null : 'Your role can read orders but not change them.';

  // Reasons mirror the domain's rules and the user's role, so a disabled
  // control explains itself instead of failing on click.
  const blocked = {
    ship:
      readOnly ??
      (status === 'shipped'
        ? 'This order has shipped.'
        : status === 'cancelled'
          ? 'Cancelled orders cannot be shipped.'
          : null),
    address:
      readOnly ??
      (status === 'shipped'
        ? 'The order has shipped, so its address is final.'
        : status === 'cancelled'
          ? 'Cancelled orders cannot be changed.'
          : null),
    adjust: !canAdjust
      ? 'Only operators adjust prices.'
      : status === 'cancelled'
        ? 'Cancelled orders cannot be adjusted.'
        : null,
    cancel:
      readOnly ??
      (status === 'shipped'
        ? 'Shipped orders cannot be cancelled.'
        : status === 'cancelled'
          ? 'This order is cancelled.'
          : null),
  };

  function done(message: string) {
    setOpen(null);
    setNotice(message);
    // The server component re-reads the stream, bringing the new state and version.
    router.refresh();
  }

  function toggle(panel: Panel) {
    setNotice(null);
    setOpen(open === panel ? null : panel);
  }

  return (
    <div className="space-y-5">
      {notice && <Notice>{notice}</Notice>}

      <div>
        <ShipOrderButton
          orderId={orderId}
          version={version}
          disabled={blocked.ship !== null}
          onShipped={() => done('The order is marked as shipped.')}
        />
        <p className="mt-2 text-xs text-slate-500">
          {blocked.ship ?? 'Once shipped, the address is final and the order can no longer be cancelled.'}
        </p>
      </div>

      <ActionRow
        id="address"
        title="Shipping address"
        blockedReason={blocked.address}
        description="Correct where the order goes."
        toggleLabel="Change address…"
        open={open === 'address'}
        onToggle={() => toggle('address')}
      >
        <ChangeAddressForm
          orderId={orderId}
          version={version}
          current={shippingAddress}
          onChanged={() => done('The shipping address was updated.')}
          onDiscard={() => setOpen(null)}
        />
      </ActionRow>

      <ActionRow
        id="adjust"
        title="Price"
        blockedReason={blocked.adjust}
        description="Correct the total with a recorded adjustment."
        toggleLabel="Adjust price…"
        open={open === 'adjust'}
        onToggle={() => toggle('adjust')}
      >
        <AdjustPriceForm
          orderId={orderId}
          version={version}
          currency={currency}
          total={total}
          onAdjusted={() => done('The price adjustment was recorded.')}
          onDiscard={() => setOpen(null)}
        />
      </ActionRow>

      <ActionRow
        id="cancel"
        title="Cancellation"
        blockedReason={blocked.cancel}
        description="Stop the order before it ships."
        toggleLabel="Cancel order…"
        danger
        open={open === 'cancel'}
        onToggle={() => toggle('cancel')}
      >
        <CancelOrderForm
          orderId={orderId}
          version={version}
          onCancelled={() => done('The order was cancelled.')}
          onDiscard={() => setOpen(null)}
        />
      </ActionRow>
    </div>
  );
}

type ActionRowProps = {
  id: string;
  title: string;
  description: string;
  blockedReason: string | null;
  toggleLabel: string;
  danger?: boolean;
  open: boolean;
  onToggle: () => void;
  children: ReactNode;
};

/** A disclosure: the form only appears when asked for, keeping the panel short on a phone. */
function ActionRow({
  id,
  title,
  description,
  blockedReason,
  toggleLabel,
  danger,
  open,
  onToggle,
  children,
}: ActionRowProps) {
  const blocked = blockedReason !== null;
  return (
    <div className="border-t border-slate-100 pt-5">
      <h3 className="text-sm font-medium text-slate-900">{title}</h3>
      <p className="text-xs text-slate-500">{blockedReason ?? description}</p>
      <Button
        variant="secondary"
        className={`mt-3 w-full ${danger ? 'text-red-700' : ''}`}
        aria-expanded={open && !blocked}
        aria-controls={`${id}-panel`}
        disabled={blocked}
        onClick={onToggle}
      >
        {toggleLabel}
      </Button>
      {open && !blocked && (
        <div id={`${id}-panel`} className="mt-4">
          {children}
        </div>
      )}
    </div>
  );
}
