'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { RelativeTime } from '@/components/format/relative-time';
import { Panel, PanelEmpty, PanelError, Skeleton } from './panel';
import { recentEventsQuery } from './queries';

// About the height of the customer table beside it: the feed takes its column's height, with no scroll box of its own.
const LIMIT = 10;

const TONES: Record<string, string> = {
  OrderPlaced: 'bg-sky-500',
  OrderShipped: 'bg-emerald-500',
  OrderCancelled: 'bg-rose-500',
  OrderPriceAdjusted: 'bg-amber-500',
  ShippingAddressChanged: 'bg-violet-500',
};

/** The newest order events, straight from the log; refetched on every projection push. */
export function EventFeed() {
  const query = useQuery(recentEventsQuery(LIMIT));
  return (
    <Panel title="Live events" description="Newest order events first">
      {query.isPending ? (
        <div aria-busy="true" className="space-y-3">
          <span className="sr-only">Loading events…</span>
          {Array.from({ length: 5 }, (_, i) => (
            <Skeleton key={i} className="h-10 w-full" />
          ))}
        </div>
      ) : query.isError ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.events.length === 0 ? (
        <PanelEmpty>No order events yet. They appear here as soon as orders are placed.</PanelEmpty>
      ) : (
        <ol aria-label="Recent order events" className="-mx-2 divide-y divide-slate-100">
          {query.data.events.map((event) => (
            <li key={event.position}>
              {/* Each event opens the order's audit timeline at that event. Its
                  name is its visible text (an aria-label that differs from it
                  fails WCAG 2.5.3, label in name); the destination is said after it. */}
              <Link
                href={`/orders/${event.orderId}/audit?version=${event.version}`}
                className="flex items-start gap-3 rounded-md px-2 py-2.5 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <span
                  className={`mt-1.5 size-2 shrink-0 rounded-full ${TONES[event.type] ?? 'bg-slate-400'}`}
                  aria-hidden="true"
                />
                <span className="min-w-0 flex-1">
                  <span className="block text-sm text-slate-900 break-anywhere">{event.summary}</span>
                  <span className="mt-0.5 block text-xs text-slate-600">
                    <span className="font-mono">
                      #{event.orderId.slice(0, 8)} v{event.version}
                    </span>
                    <span aria-hidden="true"> · </span>
                    <RelativeTime iso={event.occurredAt} />
                    <span aria-hidden="true"> · </span>
                    {event.actor ?? <span className="italic">unknown actor</span>}
                    <span className="sr-only">, open in the audit timeline</span>
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
