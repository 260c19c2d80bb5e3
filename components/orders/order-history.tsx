import { addressOneLine, eventLabel } from '@/lib/audit';
import { cancelReasonLabel, type OrderEvent } from '@/lib/domain/order';
import type { RecordedEvent } from '@/lib/event-store';
import { orderEventOrNull } from '@/lib/order-stream';
import { formatMoney } from '@/components/format/money';
import { LocalTime } from '@/components/format/local-time';

/** One line saying what the event changed, from its own payload (never today's data). */
function describe(event: OrderEvent, currency: string): string {
  const money = (minor: number, signed = false) => formatMoney(minor, currency, { signed });
  switch (event.type) {
    case 'OrderPlaced': {
      const { lines, total } = event.data;
      return `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}, total ${money(total)}`;
    }
    case 'ShippingAddressChanged': {
      return `To ${addressOneLine(event.data.address)}`;
    }
    case 'OrderShipped':
      return 'Handed over for delivery';
    case 'OrderCancelled':
      return `Reason: ${event.data.reason} (${cancelReasonLabel(event.data.reasonCode)})`;
    case 'OrderPriceAdjusted': {
      const { amountDelta, newTotal, reason } = event.data;
      return `${money(amountDelta, true)} (${reason}), new total ${money(newTotal)}`;
    }
    default:
      // Events this page does not know yet still show with their type, version and hash.
      return '';
  }
}

export function OrderHistory({ events, currency }: { events: RecordedEvent[]; currency: string }) {
  return (
    <ol className="space-y-0">
      {events.map((event, index) => {
        const known = orderEventOrNull(event);
        const last = index === events.length - 1;
        return (
          <li key={event.version} className="relative flex gap-3 pb-5 last:pb-0" data-testid="history-event">
            {!last && (
              <span className="absolute top-7 bottom-0 left-[0.9375rem] w-px bg-slate-200" aria-hidden="true" />
            )}
            <span className="relative flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-700 ring-4 ring-white">
              <span className="sr-only">Version </span>
              {event.version}
            </span>
            <div className="min-w-0 flex-1 pt-1">
              <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5">
                <p className="text-sm font-medium text-slate-900">
                  {eventLabel(event.type)}{' '}
                  <span className="font-mono text-xs font-normal text-slate-500">{event.type}</span>
                </p>
                <LocalTime iso={event.occurredAt.toISOString()} className="text-xs text-slate-500" />
              </div>
              {known && describe(known, currency) && (
                <p className="mt-0.5 text-sm text-slate-600 break-anywhere">{describe(known, currency)}</p>
              )}
              <p className="mt-0.5 text-xs text-slate-600">
                Hash{' '}
                <abbr title={event.hash} className="font-mono no-underline">
                  {event.hash.slice(0, 12)}
                </abbr>
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
