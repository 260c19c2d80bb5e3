'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ShippingAddress } from '@/lib/domain/order/types';
import { formatMoney } from '@/components/format/money';
import { Button } from '@/components/ui/button';
import { ErrorBanner } from '@/components/ui/alert';
import { placeOrderAction } from './actions';
import { AddressFields, addressErrors, EMPTY_ADDRESS } from './address-fields';
import { CustomerPicker, findCustomer, type CustomerOption } from './customer-picker';
import { OrderLinesEditor, parseQuantity, type CatalogProduct, type LineDraft } from './order-lines-editor';
import { useCommand } from './use-command';

type PlaceOrderFormProps = { customers: CustomerOption[]; products: CatalogProduct[] };

export function PlaceOrderForm({ customers, products }: PlaceOrderFormProps) {
  const router = useRouter();
  const command = useCommand(placeOrderAction);
  const [customerQuery, setCustomerQuery] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([{ key: 0, sku: '', quantity: '1' }]);
  const [nextKey, setNextKey] = useState(1);
  const [address, setAddress] = useState<ShippingAddress>(EMPTY_ADDRESS);
  const fields = command.error?.fields ?? {};
  // Once every highlighted field has been edited, the banner has nothing left to say.
  const showBanner =
    command.error !== null && !(command.error.fields && Object.keys(command.error.fields).length === 0);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    // After a rejected submit, take keyboard and screen-reader users to the first field to fix.
    if (command.pending || !command.error) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    // Only when a submission settles, not on every edit that clears an error.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [command.pending]);

  const bySku = new Map(products.map((p) => [p.sku, p]));
  const currency = bySku.get(lines.find((l) => l.sku)?.sku ?? '')?.currency ?? products[0]?.currency ?? 'EUR';
  const total = lines.reduce((sum, line) => {
    const product = bySku.get(line.sku);
    const quantity = parseQuantity(line.quantity);
    return product && quantity !== null ? sum + product.unitPrice * quantity : sum;
  }, 0);
  const itemCount = lines.reduce((sum, line) => sum + (line.sku ? (parseQuantity(line.quantity) ?? 0) : 0), 0);

  function clearItemErrors() {
    // Adding or removing a line shifts the indices the server's errors refer to.
    for (const key of Object.keys(fields)) if (key.startsWith('items')) command.clearField(key);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const payload = {
      customerId: findCustomer(customers, customerQuery)?.id ?? '',
      items: lines.map((line) => ({
        sku: line.sku,
        // Sent as typed (NaN when empty) so the server reports the field, not this form.
        quantity: line.quantity.trim() === '' ? Number.NaN : Number(line.quantity),
      })),
      shippingAddress: address,
    };
    command.submit(payload, ({ orderId }) => router.push(`/orders/${orderId}`));
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-6">
      {showBanner && <ErrorBanner title="The order was not placed">{command.error?.message}</ErrorBanner>}

      <Section title="Customer">
        <CustomerPicker
          id="customer"
          customers={customers}
          query={customerQuery}
          onQueryChange={(query) => {
            setCustomerQuery(query);
            command.clearField('customerId');
          }}
          error={fields.customerId}
        />
      </Section>

      <Section
        title="Products"
        description={`Prices are taken from today's catalog and fixed when the order is placed.`}
      >
        <OrderLinesEditor
          products={products}
          lines={lines}
          errors={fields}
          onChange={(key, patch) => {
            const index = lines.findIndex((l) => l.key === key);
            setLines(lines.map((l) => (l.key === key ? { ...l, ...patch } : l)));
            if (patch.sku !== undefined) command.clearField(`items.${index}.sku`);
            if (patch.quantity !== undefined) command.clearField(`items.${index}.quantity`);
          }}
          onAdd={() => {
            setLines([...lines, { key: nextKey, sku: '', quantity: '1' }]);
            setNextKey(nextKey + 1);
            clearItemErrors();
          }}
          onRemove={(key) => {
            setLines(lines.filter((l) => l.key !== key));
            clearItemErrors();
          }}
        />
      </Section>

      <Section title="Shipping address">
        <AddressFields
          idPrefix="shipping"
          value={address}
          errors={addressErrors(fields, 'shippingAddress')}
          onChange={(field, value) => {
            setAddress({ ...address, [field]: value });
            command.clearField(`shippingAddress.${field}`);
          }}
        />
      </Section>

      <div className="sticky bottom-0 -mx-4 flex flex-wrap items-center justify-between gap-4 border-t border-slate-200 bg-white/95 px-4 py-4 backdrop-blur sm:static sm:mx-0 sm:rounded-xl sm:border sm:px-5 sm:shadow-sm">
        <div aria-live="polite">
          <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Total</p>
          <p className="text-xl font-semibold tabular-nums text-slate-900" data-testid="order-total">
            {formatMoney(total, currency)}
          </p>
          <p className="text-xs text-slate-500">
            {itemCount} {itemCount === 1 ? 'item' : 'items'}
          </p>
        </div>
        <Button type="submit" pending={command.pending} className="min-w-36">
          {command.pending ? 'Placing order…' : 'Place order'}
        </Button>
      </div>
    </form>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <h2 id={id} className="text-base font-semibold text-slate-900">
        {title}
      </h2>
      {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}
