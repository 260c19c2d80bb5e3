'use client';

import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { AS_OF_PRESETS, atParam, fromLocalInput, parseAt, toLocalInput } from './as-of';
import { useInBrowser } from '@/components/format/use-in-browser';
import type { AsOf } from './use-as-of';

/**
 * Picks the dashboard's moment: a date and time in the reader's own zone
 * (what <input type="datetime-local"> holds), sent to the URL as UTC, or a
 * quick pick. Render it with `key={asOf.at}`, so that Back/Forward to another
 * moment also resets what was typed.
 */
export function AsOfPicker({ asOf, label }: { asOf: AsOf; label: string }) {
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const inBrowser = useInBrowser();
  const current = asOf.at ? parseAt(asOf.at) : null;
  // null: nothing typed yet, so the input shows the current moment. Local
  // time is known in the browser only: the server renders it empty.
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const value = draft ?? (inBrowser && current ? toLocalInput(current) : '');

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Untouched: the input shows the current moment to the second, which may
    // drop its milliseconds ("End of yesterday" is 23:59:59.999); keep it as is.
    if (draft === null && current) return;
    const date = fromLocalInput(value);
    if (!date) {
      setError('Enter a date and a time.');
      return;
    }
    asOf.go(atParam(date));
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Pick a moment"
      className="flex flex-col gap-3 lg:flex-row lg:flex-wrap lg:items-end"
    >
      <div className="min-w-0">
        <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
          {label}
        </label>
        <div className="mt-1 flex gap-2">
          <input
            id={inputId}
            type="datetime-local"
            step={1}
            value={value}
            onChange={(e) => {
              setDraft(e.target.value);
              setError(null);
            }}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
            aria-invalid={error ? true : undefined}
            className="block min-h-10 w-full min-w-0 rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 sm:w-64"
          />
          <Button type="submit" pending={asOf.pending} className="shrink-0">
            Show
          </Button>
        </div>
      </div>
      <div role="group" aria-label="Quick picks" className="flex flex-wrap gap-2">
        {AS_OF_PRESETS.map((preset) => (
          <Button
            key={preset.label}
            variant="secondary"
            disabled={asOf.pending}
            onClick={() => asOf.go(atParam(preset.moment(new Date())))}
          >
            {preset.label}
          </Button>
        ))}
      </div>
      <p id={hintId} className="text-xs text-slate-500 lg:basis-full">
        In your time zone{inBrowser ? ` (${Intl.DateTimeFormat().resolvedOptions().timeZone})` : ''}; the link keeps the
        moment in UTC.
      </p>
      {error && (
        <p id={errorId} role="alert" className="text-sm text-red-700 lg:basis-full">
          {error}
        </p>
      )}
    </form>
  );
}
