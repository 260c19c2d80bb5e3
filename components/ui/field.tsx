import type { InputHTMLAttributes, ReactNode } from 'react';

export const controlClass =
  'block w-full rounded-lg border-0 bg-white px-3 py-2 text-base text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset ' +
  'placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none sm:text-sm ' +
  'disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500 ' +
  'aria-[invalid=true]:ring-red-500 aria-[invalid=true]:focus:ring-red-600';

/**
 * Props that tie a control to its hint and error, so a screen reader reads
 * the error with the field and `aria-invalid` styles it.
 */
export function controlA11y(id: string, error?: string, hint?: string) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
  } as const;
}

type FieldProps = {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
  /** For controls whose label is shown elsewhere (table headers on wide screens). */
  labelClassName?: string;
  children: ReactNode;
};

/** Label, control, hint and error in one column; the control gets its ids from controlA11y(). */
export function Field({ id, label, error, hint, className = '', labelClassName = '', children }: FieldProps) {
  return (
    <div className={className}>
      <label htmlFor={id} className={`mb-1 block text-sm font-medium text-slate-700 ${labelClassName}`}>
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      <FieldError id={id} error={error} />
    </div>
  );
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="mt-1 text-sm text-red-600">
      {error}
    </p>
  );
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: string;
  fieldClassName?: string;
};

export function TextField({ id, label, error, hint, fieldClassName, ...input }: TextFieldProps) {
  return (
    <Field id={id} label={label} error={error} hint={hint} className={fieldClassName}>
      <input type="text" {...input} {...controlA11y(id, error, hint)} className={controlClass} />
    </Field>
  );
}
