'use client';

import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { controlClass } from '@/components/ui/field';
import { SEARCH_MAX } from '@/lib/read-models/order-summaries/list-params';
import { ORDER_STATUSES, type OrderStatus } from '@/lib/read-models/order-summaries/types';
import type { ListState } from './url-state';

type ListFiltersProps = {
  state: ListState;
  onChange: (next: ListState, how?: 'push' | 'replace') => void;
};

/** While typing, the address bar follows after a pause (replaced, so back does not step through every letter). */
const TYPING_PAUSE_MS = 300;

/** Every filter change starts again at the first page. */
const firstPage = { cursor: undefined, before: undefined };

export function ListFilters({ state, onChange }: ListFiltersProps) {
  const [text, setText] = useState(state.q ?? '');
  const typing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const typed = useRef(false);

  // Back, forward or a link: the box shows what the URL searches for.
  useEffect(() => {
    if (!typed.current) setText(state.q ?? '');
    typed.current = false;
  }, [state.q]);
  useEffect(() => () => clearTimeout(typing.current), []);

  function onType(value: string) {
    setText(value);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => {
      typed.current = true;
      // The first letter pushes (back returns to the list before the search); the rest replace it.
      onChange({ ...state, ...firstPage, q: value.trim() || undefined }, state.q ? 'replace' : 'push');
    }, TYPING_PAUSE_MS);
  }

  const filtered = Boolean(state.q || state.status || state.from || state.to || state.customerId);

  return (
    <form
      role="search"
      aria-label="Filter orders"
      onSubmit={(event) => {
        event.preventDefault();
        clearTimeout(typing.current);
        typed.current = true;
        onChange({ ...state, ...firstPage, q: text.trim() || undefined });
      }}
      className="grid grid-cols-1 gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_auto] lg:items-end"
    >
      <div>
        <label htmlFor="filter-search" className="mb-1 block text-sm font-medium text-slate-700">
          Search
        </label>
        <input
          id="filter-search"
          type="search"
          value={text}
          maxLength={SEARCH_MAX}
          onChange={(event) => onType(event.target.value)}
          placeholder="Customer name or order id"
          autoComplete="off"
          className={controlClass}
        />
      </div>
      <div>
        <label htmlFor="filter-status" className="mb-1 block text-sm font-medium text-slate-700">
          Status
        </label>
        <select
          id="filter-status"
          value={state.status ?? ''}
          onChange={(event) =>
            onChange({ ...state, ...firstPage, status: (event.target.value || undefined) as OrderStatus | undefined })
          }
          className={controlClass}
        >
          <option value="">All statuses</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s[0]!.toUpperCase() + s.slice(1)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="filter-from" className="mb-1 block text-sm font-medium text-slate-700">
          Placed from
        </label>
        <input
          id="filter-from"
          type="date"
          value={state.from ?? ''}
          max={state.to}
          onChange={(event) => onChange({ ...state, ...firstPage, from: event.target.value || undefined })}
          className={controlClass}
        />
      </div>
      <div>
        <label htmlFor="filter-to" className="mb-1 block text-sm font-medium text-slate-700">
          Placed to
        </label>
        <input
          id="filter-to"
          type="date"
          value={state.to ?? ''}
          min={state.from}
          onChange={(event) => onChange({ ...state, ...firstPage, to: event.target.value || undefined })}
          className={controlClass}
        />
      </div>
      <div className="sm:col-span-2 lg:col-span-1">
        <Button
          variant="ghost"
          disabled={!filtered}
          onClick={() => {
            clearTimeout(typing.current);
            setText('');
            onChange({ sort: state.sort, dir: state.dir, size: state.size });
          }}
        >
          Clear filters
        </Button>
      </div>
    </form>
  );
}
