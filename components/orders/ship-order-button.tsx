'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { shipOrderAction } from './actions';
import { CommandError } from './command-error';
import { useCommand } from './use-command';

type ShipOrderButtonProps = { orderId: string; version: number; onShipped: () => void };

/** Shipping cannot be undone, so it is asked for twice: the button opens a confirmation. */
export function ShipOrderButton({ orderId, version, onShipped }: ShipOrderButtonProps) {
  const command = useCommand(shipOrderAction);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-3">
      <Button
        className="w-full"
        aria-haspopup="dialog"
        pending={command.pending}
        onClick={() => {
          command.setError(null);
          setConfirming(true);
        }}
      >
        {command.pending ? 'Shipping…' : 'Ship order'}
      </Button>
      <p className="text-xs text-slate-500">
        Once shipped, the address is final and the order can no longer be cancelled.
      </p>
      <CommandError error={command.error} title="The order was not shipped" />
      <Dialog
        open={confirming}
        title="Ship this order?"
        description="Once shipped, its address is final and it can no longer be cancelled. This cannot be undone."
        onClose={() => setConfirming(false)}
      >
        {/* The safe choice comes first, so it has the focus when the dialog opens. */}
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirming(false)}>
            Not yet
          </Button>
          <Button
            onClick={() => {
              setConfirming(false);
              command.submit({ orderId, expectedVersion: version }, onShipped);
            }}
          >
            Confirm shipment
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
