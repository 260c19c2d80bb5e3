'use client';

import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { AddressFields, addressErrors, EMPTY_ADDRESS } from '@/components/orders/address-fields';
import { CustomerPicker, findCustomer } from '@/components/orders/customer-picker';
import { OrderLinesEditor, parseQuantity, type LineDraft } from '@/components/orders/order-lines-editor';
import { ErrorBanner } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { catalogQuery, customersQuery } from '@/lib/client/queries';
import type { ShippingAddress } from '@/lib/domain/order/types';
import { CommandRejected } from './types';
import type { useOrderCommands } from './use-order-commands';

type Commands = ReturnType<typeof useOrderCommands>;

const FIRST_LINE: LineDraft = { key: 0, sku: '', quantity: '1' };

/** A compact new-order form: the order shows in the list at once, pending until the read model has it. */
export function PlaceOrderPanel({ commands }: { commands: Commands }) {
  const customers = useQuery(customersQuery());
  const catalog = useQuery(catalogQuery());
  const [customerQuery, setCustomerQuery] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([FIRST_LINE]);
  const [nextKey, setNextKey] = useState(1);
  const [address, setAddress] = useState<ShippingAddress>(EMPTY_ADDRESS);
  const [open, setOpen] = useState(false);
  const { place } = commands;
  const rejected = place.error instanceof CommandRejected ? place.error.error : null;
  const fields = rejected?.fields ?? {};
  const products = catalog.data ?? [];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const customer = findCustomer(customers.data ?? [], customerQuery);
    const bySku = new Map(products.map((p) => [p.sku, p]));
    const items = lines.map((line) => ({
      sku: line.sku,
      // Sent as typed (NaN when empty) so the server reports the field, as the full form does.
      quantity: line.quantity.trim() === '' ? Number.NaN : Number(line.quantity),
    }));
    const priced = lines.flatMap((line) => {
      const product = bySku.get(line.sku);
      const quantity = parseQuantity(line.quantity);
      return product && quantity !== null ? [{ product, quantity }] : [];
    });
    const now = new Date().toISOString();
    commands.placeOrder(
      { customerId: customer?.id ?? '', items, shippingAddress: address },
      {
        customerId: customer?.id ?? '',
        customerName: customer?.name ?? (customerQuery.trim() || 'Unknown customer'),
        status: 'placed',
        total: priced.reduce((sum, { product, quantity }) => sum + product.unitPrice * quantity, 0),
        currency: priced[0]?.product.currency ?? products[0]?.currency ?? 'EUR',
        lineCount: priced.length,
        itemCount: priced.reduce((sum, { quantity }) => sum + quantity, 0),
        placedAt: now,
        lastChangeAt: now,
        lastEventType: 'OrderPlaced',
        version: 1,
        position: '',
      },
      {
        onSuccess: () => {
          setLines([FIRST_LINE]);
          setNextKey(1);
          setAddress(EMPTY_ADDRESS);
          setCustomerQuery('');
        },
      },
    );
  }

  const loadError = customers.error ?? catalog.error;

  return (
    <details
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
      className="group rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      <summary className="flex cursor-pointer list-none items-center justify-between gap-3 rounded-xl px-4 py-3 focus-visible:outline-2 focus-visible:outline-indigo-600 sm:px-5 [&::-webkit-details-marker]:hidden">
        <span>
          <span className="block text-base font-semibold text-slate-900">Place an order</span>
          <span className="block text-sm text-slate-600">
            It shows in the list at once, pending until the list has caught up.
          </span>
        </span>
        <svg
          viewBox="0 0 20 20"
          className="size-5 shrink-0 text-slate-500 transition-transform group-open:rotate-180"
          aria-hidden="true"
        >
          <path d="M5 8l5 5 5-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </summary>
      <div className="border-t border-slate-200 p-4 sm:p-5">
        {loadError ? (
          <ErrorBanner title="The form could not load">{loadError.message}</ErrorBanner>
        ) : (
          <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Place an order">
            {place.isError && <ErrorBanner title="The order was not placed">{place.error.message}</ErrorBanner>}
            <div className="grid gap-6 lg:grid-cols-2">
              <div className="min-w-0 space-y-5">
                <CustomerPicker
                  id="place-customer"
                  customers={customers.data ?? []}
                  query={customerQuery}
                  onQueryChange={setCustomerQuery}
                  error={fields.customerId}
                />
                <OrderLinesEditor
                  products={products}
                  lines={lines}
                  errors={fields}
                  onChange={(key, patch) => setLines(lines.map((l) => (l.key === key ? { ...l, ...patch } : l)))}
                  onAdd={() => {
                    setLines([...lines, { key: nextKey, sku: '', quantity: '1' }]);
                    setNextKey(nextKey + 1);
                  }}
                  onRemove={(key) => setLines(lines.filter((l) => l.key !== key))}
                />
              </div>
              <fieldset className="min-w-0">
                <legend className="mb-2 text-sm font-semibold text-slate-900">Shipping address</legend>
                <AddressFields
                  idPrefix="place-shipping"
                  value={address}
                  errors={addressErrors(fields, 'shippingAddress')}
                  onChange={(field, value) => setAddress({ ...address, [field]: value })}
                />
              </fieldset>
            </div>
            <div className="flex justify-end">
              <Button
                type="submit"
                pending={place.isPending}
                disabled={customers.isPending || catalog.isPending}
                className="w-full sm:w-auto sm:min-w-36"
              >
                {place.isPending ? 'Placing order…' : 'Place order'}
              </Button>
            </div>
          </form>
        )}
      </div>
    </details>
  );
}
