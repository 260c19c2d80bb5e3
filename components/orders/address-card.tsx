'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ExistingOrder } from '@/lib/domain/order';
import { useCan } from '@/components/auth/user-context';
import { Notice } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from './card';
import { ChangeAddressForm } from './change-address-form';
import { ShippingAddressBlock } from './order-facts';

/**
 * The shipping address, and where it is changed: the form takes the
 * address's place (and the card the width it needs) instead of opening in
 * the actions column away from what it edits.
 */
export function AddressCard({
  order,
  version,
  editable,
  className = '',
}: {
  order: ExistingOrder;
  version: number;
  /** False while the order's history holds an event its rules refuse. */
  editable: boolean;
  className?: string;
}) {
  const router = useRouter();
  const canWrite = useCan('orders:write');
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const changeable = editable && canWrite && order.status === 'placed';

  return (
    <Card
      id="address"
      title="Shipping address"
      className={`${editing ? 'sm:col-span-2' : ''} ${className}`}
      actions={
        changeable &&
        !editing && (
          <Button
            variant="ghost"
            className="min-h-8 shrink-0 px-3 py-1 whitespace-nowrap"
            onClick={() => {
              setNotice(null);
              setEditing(true);
            }}
          >
            Change address…
          </Button>
        )
      }
    >
      {notice && (
        <div className="mb-3">
          <Notice>{notice}</Notice>
        </div>
      )}
      {editing ? (
        <ChangeAddressForm
          orderId={order.orderId}
          version={version}
          current={order.shippingAddress}
          onChanged={() => {
            setEditing(false);
            setNotice('The shipping address was updated.');
            router.refresh();
          }}
          onDiscard={() => setEditing(false)}
        />
      ) : (
        <>
          <ShippingAddressBlock order={order} />
          {!changeable && order.status !== 'placed' && (
            <p className="mt-2 text-xs text-slate-500">
              {order.status === 'shipped' ? 'Final: the order has shipped.' : 'The order is cancelled.'}
            </p>
          )}
        </>
      )}
    </Card>
  );
}
