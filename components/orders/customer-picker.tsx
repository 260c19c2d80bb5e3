import { controlA11y, controlClass, Field } from '@/components/ui/field';

export type CustomerOption = { id: string; name: string };

type CustomerPickerProps = {
  id: string;
  customers: CustomerOption[];
  query: string;
  onQueryChange: (query: string) => void;
  onBlur?: () => void;
  error?: string | undefined;
};

/** Customer names are unique, so the typed text resolves to one id (case aside). */
export function findCustomer(customers: CustomerOption[], query: string) {
  const wanted = query.trim().toLocaleLowerCase();
  return wanted ? customers.find((c) => c.name.toLocaleLowerCase() === wanted) : undefined;
}

/**
 * A text input with a datalist: the browser filters 250 names as the user
 * types, on a phone too, with no custom listbox to get wrong.
 */
export function CustomerPicker({ id, customers, query, onQueryChange, onBlur, error }: CustomerPickerProps) {
  const match = findCustomer(customers, query);
  const hint = match
    ? `Selected: ${match.name}`
    : query.trim()
      ? `No customer is named “${query.trim()}”. Pick one from the suggestions.`
      : `Type to search ${customers.length} customers.`;

  return (
    <Field id={id} label="Customer" error={error} hint={hint}>
      <input
        type="text"
        list={`${id}-options`}
        value={query}
        onChange={(event) => onQueryChange(event.target.value)}
        onBlur={onBlur}
        placeholder="Start typing a name…"
        autoComplete="off"
        {...controlA11y(id, error, hint)}
        className={controlClass}
      />
      <datalist id={`${id}-options`}>
        {customers.map((customer) => (
          <option key={customer.id} value={customer.name} />
        ))}
      </datalist>
    </Field>
  );
}
