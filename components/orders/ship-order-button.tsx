'use client';

import { Button } from '@/components/ui/button';
import { shipOrderAction } from './actions';
import { CommandError } from './command-error';
import { useCommand } from './use-command';

type ShipOrderButtonProps = { orderId: string; version: number; disabled: boolean; onShipped: () => void };

export function ShipOrderButton({ orderId, version, disabled, onShipped }: ShipOrderButtonProps) {
  const command = useCommand(shipOrderAction);
  return (
    <div className="space-y-3">
      <Button
        className="w-full"
        disabled={disabled}
        pending={command.pending}
        onClick={() => command.submit({ orderId, expectedVersion: version }, onShipped)}
      >
        {command.pending ? 'Shipping…' : 'Ship order'}
      </Button>
      <CommandError error={command.error} title="The order was not shipped" />
    </div>
  );
}
