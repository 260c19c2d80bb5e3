import { formatMoney } from '@/components/format/money';
import { Button } from '@/components/ui/button';
import { controlA11y, controlClass, Field, FieldError } from '@/components/ui/field';
import { MAX_LINES, MAX_QUANTITY, MIN_QUANTITY } from '@/lib/domain/order/rules';

export type CatalogProduct = { sku: string; name: string; unitPrice: number; currency: string };
export type LineDraft = { key: number; sku: string; quantity: string };

type OrderLinesEditorProps = {
  products: CatalogProduct[];
  lines: LineDraft[];
  onChange: (key: number, patch: Partial<Omit<LineDraft, 'key'>>) => void;
  onAdd: () => void;
  onRemove: (key: number) => void;
  /** The form's field errors, keyed like `items.0.quantity`. */
  errors: Record<string, string>;
};

/** Quantity as typed → a number, or null while the text is not a usable quantity yet. */
export function parseQuantity(text: string): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const quantity = Number(text);
  return quantity >= MIN_QUANTITY && quantity <= MAX_QUANTITY ? quantity : null;
}

export function OrderLinesEditor({ products, lines, onChange, onAdd, onRemove, errors }: OrderLinesEditorProps) {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  // A SKU may appear on one line only; offering it twice would only lead to a rejection.
  const taken = new Set(lines.map((l) => l.sku).filter(Boolean));

  return (
    <div>
      <div className="hidden grid-cols-[1fr_7rem_7rem_2.5rem] gap-3 px-1 pb-2 text-xs font-medium tracking-wide text-slate-500 uppercase sm:grid">
        <span>Product</span>
        <span>Quantity</span>
        <span className="text-right">Line total</span>
        <span />
      </div>
      <ol className="space-y-4 sm:space-y-3">
        {lines.map((line, index) => {
          const product = bySku.get(line.sku);
          const quantity = parseQuantity(line.quantity);
          const skuId = `line-${line.key}-sku`;
          const quantityId = `line-${line.key}-quantity`;
          const skuError = errors[`items.${index}.sku`];
          const quantityError = errors[`items.${index}.quantity`];
          return (
            <li
              key={line.key}
              className="grid grid-cols-[7rem_1fr_auto] gap-3 rounded-lg border border-slate-200 p-3 sm:grid-cols-[1fr_7rem_7rem_2.5rem] sm:items-start sm:border-0 sm:p-0"
            >
              <Field
                id={skuId}
                label={
                  <>
                    Product<span className="sr-only"> for line {index + 1}</span>
                  </>
                }
                labelClassName="sm:sr-only"
                error={skuError}
                className="col-span-3 sm:col-span-1"
              >
                <select
                  value={line.sku}
                  onChange={(event) => onChange(line.key, { sku: event.target.value })}
                  {...controlA11y(skuId, skuError)}
                  className={controlClass}
                >
                  <option value="">Choose a product…</option>
                  {products.map((p) => (
                    <option key={p.sku} value={p.sku} disabled={p.sku !== line.sku && taken.has(p.sku)}>
                      {p.name} · {formatMoney(p.unitPrice, p.currency)} · {p.sku}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                id={quantityId}
                label={
                  <>
                    Quantity<span className="sr-only"> for line {index + 1}</span>
                  </>
                }
                labelClassName="sm:sr-only"
                error={quantityError}
              >
                <input
                  type="number"
                  inputMode="numeric"
                  min={MIN_QUANTITY}
                  max={MAX_QUANTITY}
                  step={1}
                  value={line.quantity}
                  onChange={(event) => onChange(line.key, { quantity: event.target.value })}
                  {...controlA11y(quantityId, quantityError)}
                  className={`${controlClass} tabular-nums`}
                />
              </Field>
              <p className="self-end pb-2.5 text-right text-sm font-medium tabular-nums text-slate-900 sm:self-start sm:pt-2 sm:pb-0">
                <span className="text-slate-500 sm:sr-only">Line total </span>
                {product && quantity !== null ? formatMoney(product.unitPrice * quantity, product.currency) : '—'}
              </p>
              <div className="flex items-end self-end sm:self-start">
                <Button
                  variant="ghost"
                  className="px-2 text-slate-500 hover:text-red-600"
                  onClick={() => onRemove(line.key)}
                  disabled={lines.length === 1}
                  aria-label={`Remove line ${index + 1}`}
                  title={lines.length === 1 ? 'An order needs at least one line' : `Remove line ${index + 1}`}
                >
                  <svg viewBox="0 0 20 20" className="size-5" aria-hidden="true">
                    <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
                  </svg>
                </Button>
              </div>
            </li>
          );
        })}
      </ol>
      <FieldError id="items" error={errors.items} />
      <Button variant="secondary" className="mt-4" onClick={onAdd} disabled={lines.length >= MAX_LINES}>
        <span aria-hidden="true">+</span> Add line
      </Button>
    </div>
  );
}
