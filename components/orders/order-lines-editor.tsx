import { formatMoney } from '@/components/format/money';
import { Button } from '@/components/ui/button';
import { controlA11y, controlClass, Field, FieldError } from '@/components/ui/field';
import { MAX_LINES, MAX_QUANTITY, MIN_QUANTITY } from '@/lib/domain/order/rules';

export type CatalogProduct = { sku: string; name: string; unitPrice: number; currency: string };
/** `sku` holds the product as typed: a name or a SKU, in any case (productOf resolves it). */
export type LineDraft = { key: number; sku: string; quantity: string };

/** The product a line names, by SKU or by its (unique) name, or undefined while it names none. */
export function productOf(products: CatalogProduct[], text: string): CatalogProduct | undefined {
  const wanted = text.trim().toLocaleLowerCase();
  if (!wanted) return undefined;
  return products.find((p) => p.sku.toLocaleLowerCase() === wanted || p.name.toLocaleLowerCase() === wanted);
}

/** What a line sends: the product's SKU, or the text as typed, so the server names what it does not know. */
export function lineSku(products: CatalogProduct[], line: LineDraft): string {
  return productOf(products, line.sku)?.sku ?? line.sku.trim();
}

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
  const listId = 'catalog-products';

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
          const product = productOf(products, line.sku);
          const quantity = parseQuantity(line.quantity);
          const skuHint = product
            ? `${formatMoney(product.unitPrice, product.currency)} each · ${product.sku}`
            : line.sku.trim()
              ? 'No product by that name or SKU yet: pick one from the suggestions.'
              : `Type to search ${products.length} products by name or SKU.`;
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
                hint={skuHint}
                className="col-span-3 sm:col-span-1"
              >
                <input
                  type="text"
                  list={listId}
                  value={line.sku}
                  onChange={(event) => onChange(line.key, { sku: event.target.value })}
                  placeholder="Product name or SKU"
                  autoComplete="off"
                  {...controlA11y(skuId, skuError, skuHint)}
                  className={controlClass}
                />
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
                {/* Only from input that is valid: a bad quantity shows its error, not €0.00. */}
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
      <datalist id={listId}>
        {products.map((p) => (
          <option key={p.sku} value={p.name} label={`${p.sku} · ${formatMoney(p.unitPrice, p.currency)}`} />
        ))}
      </datalist>
      <FieldError id="items" error={errors.items} />
      <Button variant="secondary" className="mt-4" onClick={onAdd} disabled={lines.length >= MAX_LINES}>
        <span aria-hidden="true">+</span> Add line
      </Button>
    </div>
  );
}
