'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useCan } from '@/components/auth/user-context';
import { Notice } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { AdjustPriceForm } from './adjust-price-form';
import { CancelOrderForm } from './cancel-order-form';
import { ShipOrderButton } from './ship-order-button';

type OrderActionsProps = {
  orderId: string;
  /** The version this page shows; every command is sent with it, so a stale page gets a conflict. */
  version: number;
  status: 'placed' | 'shipped' | 'cancelled';
  currency: string;
  total: number;
};

/**
 * Only the actions that can apply to the order now, for this user; when
 * none or only some can, one sentence says why instead of a column of
 * disabled buttons. The address is changed beside the address (address-card.tsx).
 */
export function OrderActions({ orderId, version, status, currency, total }: OrderActionsProps) {
  const router = useRouter();
  const [adjusting, setAdjusting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const canWrite = useCan('orders:write');
  const canAdjust = useCan('orders:adjust') && status !== 'cancelled';
  const canShipOrCancel = canWrite && status === 'placed';

  // The domain's rules and the user's role, said once.
  const reason = !canWrite
    ? 'Your role can read orders but not change them.'
    : status === 'shipped'
      ? 'This order has shipped: its address is final and it can no longer be cancelled.'
      : status === 'cancelled'
        ? 'This order is cancelled: nothing more can be done with it.'
        : null;

  function done(message: string) {
    setAdjusting(false);
    setCancelling(false);
    setNotice(message);
    // The server component re-reads the stream, bringing the new state and version.
    router.refresh();
  }

  return (
    <div className="space-y-5">
      {notice && <Notice>{notice}</Notice>}
      {reason && (
        <p data-testid="actions-reason" className="text-sm text-slate-600">
          {reason}
        </p>
      )}

      {canShipOrCancel && (
        <ShipOrderButton
          orderId={orderId}
          version={version}
          onShipped={() => done('The order is marked as shipped.')}
        />
      )}

      {canAdjust && (
        <div className="border-t border-slate-100 pt-5">
          <h3 className="text-sm font-medium text-slate-900">Price</h3>
          <p className="text-xs text-slate-500">Correct the total with a recorded adjustment.</p>
          {adjusting ? (
            <div id="adjust-panel" className="mt-4">
              <AdjustPriceForm
                orderId={orderId}
                version={version}
                currency={currency}
                total={total}
                onAdjusted={() => done('The price adjustment was recorded.')}
                onDiscard={() => setAdjusting(false)}
              />
            </div>
          ) : (
            <Button
              variant="secondary"
              className="mt-3 w-full"
              onClick={() => {
                setNotice(null);
                setAdjusting(true);
              }}
            >
              Adjust price…
            </Button>
          )}
        </div>
      )}

      {canShipOrCancel && (
        <div className="border-t border-slate-100 pt-5">
          <h3 className="text-sm font-medium text-slate-900">Cancellation</h3>
          <p className="text-xs text-slate-500">Stop the order before it ships. This cannot be undone.</p>
          <Button
            variant="secondary"
            className="mt-3 w-full text-red-700"
            aria-haspopup="dialog"
            onClick={() => {
              setNotice(null);
              setCancelling(true);
            }}
          >
            Cancel order…
          </Button>
          <Dialog
            open={cancelling}
            title="Cancel this order?"
            description="Cancelling cannot be undone. The reason is kept in the order's history."
            onClose={() => setCancelling(false)}
          >
            <CancelOrderForm
              orderId={orderId}
              version={version}
              onCancelled={() => done('The order was cancelled.')}
              onDiscard={() => setCancelling(false)}
            />
          </Dialog>
        </div>
      )}
    </div>
  );
}
