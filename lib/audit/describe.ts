import { formatMoney } from '../../components/format/money';
import { cancelReasonLabel, type OrderEventType } from '../domain/order';
import type { ChangeKind, FieldChange } from './types';

// Events and changes in words, for people: the timeline page, the CSV export.
// Only the event's own payload is used (never today's reference data), and
// every value is read defensively: an altered row must still be shown, not
// crash the page that is there to reveal it.

export const EVENT_LABELS: Record<OrderEventType, string> = {
  OrderPlaced: 'Order placed',
  ShippingAddressChanged: 'Shipping address changed',
  OrderShipped: 'Order shipped',
  OrderCancelled: 'Order cancelled',
  OrderPriceAdjusted: 'Price adjusted',
};

type Data = { [key: string]: unknown };

const isRecord = (value: unknown): value is Data =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown) =>
  typeof value === 'string' ? value : value === undefined ? '?' : JSON.stringify(value);

/** "Order placed"; a type this code does not know yet still reads as words ("OrderRefunded" → "Order refunded"). */
export function eventLabel(type: string): string {
  if (Object.hasOwn(EVENT_LABELS, type)) return EVENT_LABELS[type as OrderEventType];
  const words = type.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Minor units as money ("€1,234.56", "+€0.70"); an amount without a usable currency says what it is. */
export function formatAmount(minor: unknown, currency: string | undefined, signed = false): string {
  if (typeof minor !== 'number' || !Number.isFinite(minor)) return '?';
  if (currency) {
    try {
      return formatMoney(minor, currency, { signed });
    } catch {
      // Not an ISO 4217 code (Intl throws RangeError): fall through to the raw amount.
    }
  }
  return `${signed && minor > 0 ? '+' : ''}${minor} minor units${currency ? ` of ${currency}` : ''}`;
}

/** "Ada Lovelace, 12 Analytical Way, N1 9GU London, GB": the order page's own one-line form. */
export function addressOneLine(address: unknown): string {
  if (!isRecord(address)) return '?';
  const part = (key: string) => (typeof address[key] === 'string' ? (address[key] as string) : '');
  return [part('name'), part('line1'), `${part('postalCode')} ${part('city')}`.trim(), part('country')]
    .filter(Boolean)
    .join(', ');
}

/** "2 × Mug (SKU-MUG) at €12.50 = €25.00" */
export function orderLineOneLine(line: unknown, currency: string | undefined): string {
  if (!isRecord(line)) return '?';
  return `${text(line.quantity)} × ${text(line.name)} (${text(line.sku)}) at ${formatAmount(line.unitPrice, currency)} = ${formatAmount(line.lineTotal, currency)}`;
}

export type EventDescription = {
  label: string;
  /** The payload as readable lines; the reason is apart, in `reason`. */
  details: string[];
  reason: string | null;
};

/**
 * An event in words. Only OrderPlaced carries the currency; later events are
 * in the order's currency, which the caller passes in. Events name the
 * customer by id; the caller may know the name.
 */
export function describeEvent(
  event: { type: string; data: unknown },
  currency?: string,
  customerName?: string,
): EventDescription {
  const data = isRecord(event.data) ? event.data : {};
  const reason = typeof data.reason === 'string' ? data.reason : null;
  return { label: eventLabel(event.type), details: detailsOf(event.type, data, currency, customerName), reason };
}

function detailsOf(type: string, data: Data, currency: string | undefined, customerName?: string): string[] {
  switch (type as OrderEventType) {
    case 'OrderPlaced': {
      const own = typeof data.currency === 'string' ? data.currency : currency;
      const lines = Array.isArray(data.lines) ? data.lines : [];
      return [
        ...lines.map((line) => orderLineOneLine(line, own)),
        `Total: ${formatAmount(data.total, own)}`,
        `Ship to: ${addressOneLine(data.shippingAddress)}`,
        customerName ? `Customer: ${customerName} (${text(data.customerId)})` : `Customer: ${text(data.customerId)}`,
      ];
    }
    case 'ShippingAddressChanged':
      return [`From: ${addressOneLine(data.previousAddress)}`, `To: ${addressOneLine(data.address)}`];
    case 'OrderShipped':
      return ['Handed over for delivery'];
    case 'OrderCancelled':
      return [
        `Reason code: ${cancelReasonLabel(data.reasonCode)}`,
        `Amount reversed: ${formatAmount(data.amount, currency)}`,
      ];
    case 'OrderPriceAdjusted':
      return [
        `Adjustment: ${formatAmount(data.amountDelta, currency, true)}`,
        `Total: ${formatAmount(data.previousTotal, currency)} → ${formatAmount(data.newTotal, currency)}`,
      ];
    default:
      // Unknown types: every field but the ones shown elsewhere, as `key: value`.
      return Object.entries(data)
        .filter(([key]) => key !== 'orderId' && key !== 'reason')
        .map(([key, value]) => `${key}: ${text(value)}`);
  }
}

// ---------------------------------------------------------------------------
// Changes between two states

const FIELD_LABELS: Record<string, string> = {
  status: 'Status',
  orderId: 'Order id',
  customerId: 'Customer',
  lines: 'Lines',
  currency: 'Currency',
  total: 'Total',
  shippingAddress: 'Shipping address',
  placedAt: 'Placed at',
  adjustments: 'Adjustments',
  shippedAt: 'Shipped at',
  cancelledAt: 'Cancelled at',
  cancelReason: 'Cancellation reason',
  cancelReasonCode: 'Cancellation reason code',
  name: 'Name',
  line1: 'Street',
  city: 'City',
  postalCode: 'Postal code',
  country: 'Country',
  sku: 'SKU',
  quantity: 'Quantity',
  unitPrice: 'Unit price',
  lineTotal: 'Line total',
  amountDelta: 'Amount',
  reason: 'Reason',
  adjustedAt: 'Adjusted at',
};

const MONEY_FIELDS = new Set(['total', 'unitPrice', 'lineTotal', 'amountDelta', 'amount', 'previousTotal', 'newTotal']);

/** "Shipping address › City", "Line SKU-MUG › Quantity", "Adjustment 2". */
export function fieldLabel(segments: ReadonlyArray<string | number>): string {
  const parts: string[] = [];
  segments.forEach((segment, index) => {
    const parent = segments[index - 1];
    if (parent === 'lines' || parent === 'adjustments') {
      // The item replaces its list's name: "Line SKU-MUG", not "Lines › SKU-MUG".
      const item = typeof segment === 'number' ? String(segment + 1) : segment;
      parts[parts.length - 1] = `${parent === 'lines' ? 'Line' : 'Adjustment'} ${item}`;
    } else if (typeof segment === 'number') {
      parts.push(`Item ${segment + 1}`);
    } else {
      parts.push(FIELD_LABELS[segment] ?? segment);
    }
  });
  return parts.join(' › ') || 'Order';
}

/** A state's value in words, by its shape: money, an address, a line, an adjustment, a list of them. */
export function formatFieldValue(
  segments: ReadonlyArray<string | number>,
  value: unknown,
  currency: string | undefined,
): string | null {
  if (value === undefined) return null;
  const key = segments.at(-1);
  if (typeof value === 'number' && typeof key === 'string' && MONEY_FIELDS.has(key)) {
    return formatAmount(value, currency, key === 'amountDelta');
  }
  if (key === 'status' && value === 'empty') return 'not placed';
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)';
    return value.map((item) => formatFieldValue([...segments, 0], item, currency)).join('; ');
  }
  if (isRecord(value)) {
    if ('line1' in value) return addressOneLine(value);
    if ('sku' in value && 'quantity' in value) return orderLineOneLine(value, currency);
    if ('amountDelta' in value) {
      return `${formatAmount(value.amountDelta, currency, true)}${typeof value.reason === 'string' ? ` (${value.reason})` : ''}`;
    }
    return JSON.stringify(value);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type ChangeDescription = { field: string; kind: ChangeKind; before: string | null; after: string | null };

export function describeChange(change: FieldChange, currency?: string): ChangeDescription {
  return {
    field: fieldLabel(change.segments),
    kind: change.kind,
    before: formatFieldValue(change.segments, change.before, currency),
    after: formatFieldValue(change.segments, change.after, currency),
  };
}

/** "Shipping address › City: London → Paris", "Adjustment 1 added: +€0.70 (Express)". */
export function changeSentence(change: FieldChange, currency?: string): string {
  const { field, kind, before, after } = describeChange(change, currency);
  if (kind === 'added') return `${field} added: ${after}`;
  if (kind === 'removed') return `${field} removed (was ${before})`;
  return `${field}: ${before} → ${after}`;
}
