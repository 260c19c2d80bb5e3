'use client';

import { useState, type FormEvent } from 'react';
import type { ShippingAddress } from '@/lib/domain/order/types';
import { Button } from '@/components/ui/button';
import { changeShippingAddressAction } from './actions';
import { AddressFields, addressErrors } from './address-fields';
import { CommandError } from './command-error';
import { changeShippingAddressSchema, fieldsSummary } from '@/lib/commands/schemas';
import { useCommand } from './use-command';
import { useFieldErrors } from './use-field-errors';

type ChangeAddressFormProps = {
  orderId: string;
  version: number;
  current: ShippingAddress;
  onChanged: () => void;
  onDiscard: () => void;
};

export function ChangeAddressForm({ orderId, version, current, onChanged, onDiscard }: ChangeAddressFormProps) {
  const command = useCommand(changeShippingAddressAction);
  const [address, setAddress] = useState(current);
  const check = useFieldErrors(changeShippingAddressSchema, { address }, command.error?.fields);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!check.check()) {
      command.setError({ code: 'VALIDATION', message: fieldsSummary(check.live), fields: check.live });
      return;
    }
    command.submit({ orderId, expectedVersion: version, address }, onChanged);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Change shipping address">
      <CommandError error={command.error} title="The address was not changed" />
      <AddressFields
        idPrefix="new-address"
        value={address}
        errors={addressErrors(check.errors, 'address')}
        onChange={(field, value) => {
          setAddress({ ...address, [field]: value });
          command.clearField(`address.${field}`);
          check.touch(`address.${field}`);
        }}
      />
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={onDiscard} disabled={command.pending}>
          Discard
        </Button>
        <Button type="submit" pending={command.pending}>
          Save address
        </Button>
      </div>
    </form>
  );
}
