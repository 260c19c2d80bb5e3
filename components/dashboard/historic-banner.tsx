'use client';

import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { parseAt } from './as-of';
import { AsOfPicker } from './as-of-picker';
import { AsOfTime } from './as-of-time';
import type { CustomerStatsPage } from '@/lib/read-models/customer-stats/client';
import type { AsOf } from './use-as-of';

/**
 * Says, above everything else on the page, that what follows is the past:
 * the moment (local and UTC), that the figures will not move, what is not
 * shown and why, the way back to live, and a picker for another moment.
 */
export function HistoricBanner({
  asOf,
  at,
  data,
  loading,
}: {
  asOf: AsOf;
  at: string;
  /** The page on screen; its asOf is the moment the server actually used. */
  data: CustomerStatsPage | undefined;
  loading: boolean;
}) {
  const requested = parseAt(at);
  const shown = data?.asOf ? new Date(data.asOf) : requested;
  // The server answers a moment still to come as of its own "now" (asOf < at).
  const future = !!(data?.asOf && requested && Date.parse(data.asOf) < requested.getTime());

  return (
    <section
      aria-label="Historic view"
      className="rounded-xl border border-amber-300 border-l-4 border-l-amber-500 bg-amber-50 p-4 shadow-sm sm:p-5"
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <h2 className="min-w-0 text-base font-semibold text-amber-950 sm:text-lg">
          <span className="mr-2 inline-block rounded bg-amber-800 px-1.5 py-0.5 align-middle text-xs font-semibold tracking-wide text-white uppercase">
            Historic view
          </span>
          <span className="align-middle break-anywhere">
            Dashboard as of{' '}
            {shown ? <AsOfTime date={shown} className="font-semibold" /> : <q className="font-mono">{at}</q>}
          </span>
        </h2>
        <Link href={asOf.href(null)} scroll={false} className={buttonClass('primary', 'shrink-0 self-start')}>
          Back to live
        </Link>
      </div>
      {loading ? (
        <p role="status" className="mt-2 flex items-center gap-2 text-sm text-amber-900">
          <span
            aria-hidden="true"
            className="size-3.5 animate-spin rounded-full border-2 border-amber-600 border-t-transparent"
          />
          Computing the figures from the event log…
        </p>
      ) : (
        future && (
          <p className="mt-2 text-sm font-medium text-amber-900">
            The moment you picked is still to come: these are the figures as of when they were loaded.
          </p>
        )
      )}
      {/* The event feed, projection health and the ledger come from live
          state that only knows the present: beside figures of another moment
          they would read as that moment's, so they are hidden, and it says so. */}
      <p className="mt-2 max-w-3xl text-sm text-amber-900">
        Recomputed from the events recorded up to then, so nothing here moves while new orders arrive. The event feed
        and projection health show only the present and are hidden.
      </p>
      {/* Closed by default, so that on a phone the figures follow the banner on the first screen. */}
      <details className="group mt-3 border-t border-amber-200 pt-3">
        <summary className="cursor-pointer rounded text-sm font-medium text-amber-950 focus-visible:outline-2 focus-visible:outline-indigo-600">
          Change the moment
        </summary>
        <div className="mt-3">
          <AsOfPicker key={at} asOf={asOf} label="Change the moment" />
        </div>
      </details>
    </section>
  );
}

/** The API refused the link's `at` (400 VALIDATION): say what is wrong, and offer live or another moment. */
export function InvalidAtBanner({ asOf, at, message }: { asOf: AsOf; at: string; message: string }) {
  return (
    <section
      aria-label="Historic view"
      className="rounded-xl border border-red-200 border-l-4 border-l-red-500 bg-red-50 p-4 shadow-sm sm:p-5"
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div role="alert" className="min-w-0 text-sm text-red-800">
          <h2 className="text-base font-semibold text-red-900">This moment cannot be shown</h2>
          <p className="mt-1 break-anywhere">
            The link asks for the dashboard as of <q className="font-mono">{at}</q>. {message}
          </p>
        </div>
        <Link href={asOf.href(null)} scroll={false} className={buttonClass('primary', 'shrink-0 self-start')}>
          Back to live
        </Link>
      </div>
      <div className="mt-4 border-t border-red-200 pt-4">
        <AsOfPicker key={at} asOf={asOf} label="Pick another moment" />
      </div>
    </section>
  );
}
