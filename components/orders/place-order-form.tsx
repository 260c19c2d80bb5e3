'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ShippingAddress } from '@/lib/domain/order/types';
import { formatMoney } from '@/components/format/money';
import { Button } from '@/components/ui/button';
import { ErrorBanner } from '@/components/ui/alert';
import { fieldsSummary, placeOrderSchema } from '@/lib/commands/schemas';
import { placeOrderAction } from './actions';
import { AddressFields, addressErrors, EMPTY_ADDRESS } from './address-fields';
import { CustomerPicker, findCustomer, type CustomerOption } from './customer-picker';
import {
  lineSku,
  OrderLinesEditor,
  parseQuantity,
  productOf,
  type CatalogProduct,
  type LineDraft,
} from './order-lines-editor';
import { useCommand } from './use-command';
import { useFieldErrors } from './use-field-errors';

type PlaceOrderFormProps = { customers: CustomerOption[]; products: CatalogProduct[] };

export function PlaceOrderForm({ customers, products }: PlaceOrderFormProps) {
  const router = useRouter();
  const command = useCommand(placeOrderAction);
  const [customerQuery, setCustomerQuery] = useState('');
  const [lines, setLines] = useState<LineDraft[]>([{ key: 0, sku: '', quantity: '1' }]);
  const [nextKey, setNextKey] = useState(1);
  const [address, setAddress] = useState<ShippingAddress>(EMPTY_ADDRESS);
  const payload = {
    customerId: findCustomer(customers, customerQuery)?.id ?? '',
    items: lines.map((line) => ({
      sku: lineSku(products, line),
      // As typed (NaN when empty or not a number), so the schema names the field.
      quantity: line.quantity.trim() === '' ? Number.NaN : Number(line.quantity),
    })),
    shippingAddress: address,
  };
  const check = useFieldErrors(placeOrderSchema, payload, command.error?.fields);
  const fields = check.errors;
  const [focusTick, setFocusTick] = useState(0);
  // Once every highlighted field has been edited, the banner has nothing left to say.
  const showBanner =
    command.error !== null && !(command.error.fields && Object.keys(command.error.fields).length === 0);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    // After a rejected submit, take keyboard and screen-reader users to the first field to fix.
    if (command.pending || !command.error) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    // Only when a submission settles (or is stopped here), not on every edit that clears an error.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [command.pending, focusTick]);

  const priced = lines.map((line) => ({
    product: productOf(products, line.sku),
    quantity: parseQuantity(line.quantity),
  }));
  const currency = priced.find((p) => p.product)?.product?.currency ?? products[0]?.currency ?? 'EUR';
  const total = priced.reduce(
    (sum, { product, quantity }) => sum + (product && quantity ? product.unitPrice * quantity : 0),
    0,
  );
  // A line with a bad quantity has no total: the sum would be wrong, so none is shown until it is fixed.
  const incomplete = priced.some(({ product, quantity }) => !product || quantity === null);
  const itemCount = priced.reduce((sum, { product, quantity }) => sum + (product && quantity ? quantity : 0), 0);

  function clearItemErrors() {
    // Adding or removing a line shifts the indices the server's errors refer to.
    for (const key of Object.keys(fields)) if (key.startsWith('items')) command.clearField(key);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The server's schema, here: what it would refuse is not sent.
    if (!check.check()) {
      command.setError({ code: 'VALIDATION', message: fieldsSummary(check.live), fields: check.live });
      setFocusTick((n) => n + 1);
      return;
    }
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
            // A name half typed is not an error yet; a whole one that matches nobody is (on leaving the field).
            if (findCustomer(customers, query)) check.touch('customerId');
          }}
          onBlur={() => check.touch('customerId')}
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
            if (patch.sku !== undefined) {
              command.clearField(`items.${index}.sku`);
              check.touch(`items.${index}.sku`);
            }
            if (patch.quantity !== undefined) {
              command.clearField(`items.${index}.quantity`);
              check.touch(`items.${index}.quantity`);
            }
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
            check.touch(`shippingAddress.${field}`);
          }}
        />
      </Section>

      <div className="sticky bottom-0 -mx-4 flex flex-wrap items-center justify-between gap-4 border-t border-slate-200 bg-white/95 px-4 py-4 backdrop-blur sm:static sm:mx-0 sm:rounded-xl sm:border sm:px-5 sm:shadow-sm">
        <div aria-live="polite">
          <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">Total</p>
          <p className="text-xl font-semibold tabular-nums text-slate-900" data-testid="order-total">
            {incomplete ? '—' : formatMoney(total, currency)}
          </p>
          <p className="text-xs text-slate-500">
            {incomplete
              ? 'Complete every line to see the total.'
              : `${itemCount} ${itemCount === 1 ? 'item' : 'items'}`}
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
