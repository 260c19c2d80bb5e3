'use client';

import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { AddressFields, addressErrors, EMPTY_ADDRESS } from '@/components/orders/address-fields';
import { CustomerPicker, findCustomer } from '@/components/orders/customer-picker';
import {
  lineSku,
  OrderLinesEditor,
  parseQuantity,
  productOf,
  type LineDraft,
} from '@/components/orders/order-lines-editor';
import { useFieldErrors } from '@/components/orders/use-field-errors';
import { fieldsSummary, placeOrderSchema } from '@/lib/commands/schemas';
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
  const products = catalog.data ?? [];
  const customer = findCustomer(customers.data ?? [], customerQuery);
  const items = lines.map((line) => ({
    sku: lineSku(products, line),
    // As typed (NaN when empty), so the schema names the field.
    quantity: line.quantity.trim() === '' ? Number.NaN : Number(line.quantity),
  }));
  const input = { customerId: customer?.id ?? '', items, shippingAddress: address };
  const check = useFieldErrors(placeOrderSchema, input, rejected?.fields);
  const fields = check.errors;
  // What the browser refused to send, said as the server would say it.
  const [refused, setRefused] = useState<string | null>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // A stale banner goes on every new try.
    place.reset();
    if (!check.check()) {
      setRefused(fieldsSummary(check.live));
      return;
    }
    setRefused(null);
    const priced = lines.flatMap((line) => {
      const product = productOf(products, line.sku);
      const quantity = parseQuantity(line.quantity);
      return product && quantity !== null ? [{ product, quantity }] : [];
    });
    const now = new Date().toISOString();
    commands.placeOrder(
      input,
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
          check.reset();
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
            {(refused ?? place.isError) && (
              <ErrorBanner title="The order was not placed">{refused ?? place.error?.message}</ErrorBanner>
            )}
            <div className="grid gap-6 lg:grid-cols-2">
              <div className="min-w-0 space-y-5">
                <CustomerPicker
                  id="place-customer"
                  customers={customers.data ?? []}
                  query={customerQuery}
                  onQueryChange={(query) => {
                    setCustomerQuery(query);
                    if (findCustomer(customers.data ?? [], query)) check.touch('customerId');
                  }}
                  onBlur={() => check.touch('customerId')}
                  error={fields.customerId}
                />
                <OrderLinesEditor
                  products={products}
                  lines={lines}
                  errors={fields}
                  onChange={(key, patch) => {
                    const index = lines.findIndex((l) => l.key === key);
                    setLines(lines.map((l) => (l.key === key ? { ...l, ...patch } : l)));
                    if (patch.sku !== undefined) check.touch(`items.${index}.sku`);
                    if (patch.quantity !== undefined) check.touch(`items.${index}.quantity`);
                  }}
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
                  onChange={(field, value) => {
                    setAddress({ ...address, [field]: value });
                    check.touch(`shippingAddress.${field}`);
                  }}
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
