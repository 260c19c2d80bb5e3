// The orders list's parameters: one zod schema for GET /api/orders and for
// the browser, which reads the same names from its address bar. Pure, so
// Client Components may import it.
import '../../zod-config';
import { z } from 'zod';
import { instant, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, param, wholeNumber } from '../../queries/query-params';
import { ORDER_STATUSES } from './types';

export const ORDER_SORTS = ['placed', 'customer', 'status', 'total', 'changed'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const DEFAULT_SORT: OrderSort = 'placed';
export const DEFAULT_DIRECTION: SortDirection = 'desc';
export const ORDER_PAGE_SIZES = [10, 25, 50, 100] as const;
export { PAGE_SIZE_DEFAULT };

/** Longest search text: a customer name or an order id fits well within it. */
export const SEARCH_MAX = 100;

/** Keyset cursors are base64url text; only the server can read one (list.ts). */
const cursorText = (name: string) =>
  z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, `Not a cursor of this list: send ${name} back as it was returned.`);

/** Each parameter alone: the browser keeps the valid ones of its address bar and drops the rest. */
export const listOrdersParams = z.object({
  status: param(z.enum(ORDER_STATUSES, { error: `Status must be one of ${ORDER_STATUSES.join(', ')}.` })),
  customerId: param(z.uuid('Not a customer id.')),
  q: param(
    z
      .string()
      .trim()
      .max(SEARCH_MAX, `Search must be at most ${SEARCH_MAX} characters.`)
      .transform((text) => text || undefined),
  ),
  placedFrom: param(instant('placedFrom')),
  placedBefore: param(instant('placedBefore')),
  sort: param(z.enum(ORDER_SORTS, { error: `Sort must be one of ${ORDER_SORTS.join(', ')}.` })),
  dir: param(z.enum(SORT_DIRECTIONS, { error: 'Dir must be asc or desc.' })),
  cursor: param(cursorText('nextCursor')),
  before: param(cursorText('prevCursor')),
  limit: param(wholeNumber('Limit', 1, PAGE_SIZE_MAX)),
});

export const listOrdersQuerySchema = listOrdersParams.superRefine((query, ctx) => {
  if (query.cursor && query.before) {
    ctx.addIssue({ code: 'custom', path: ['before'], message: 'Send either cursor or before, not both.' });
  }
  if (query.placedFrom && query.placedBefore && query.placedFrom >= query.placedBefore) {
    ctx.addIssue({ code: 'custom', path: ['placedBefore'], message: 'placedBefore must be later than placedFrom.' });
  }
});

export type ListOrdersQuery = z.output<typeof listOrdersQuerySchema>;

/**
 * Whether a search text is (the start of) an order id rather than a name: hex
 * digits and dashes only, with at least one digit or dash (names have
 * neither), and at most the 32 digits of a uuid.
 */
export function orderIdPrefix(q: string): { low: string; high: string } | null {
  if (!/^[0-9a-f-]+$/i.test(q) || !/[0-9-]/.test(q)) return null;
  const digits = q.replace(/-/g, '').toLowerCase();
  if (digits.length === 0 || digits.length > 32) return null;
  const uuid = (hex: string) =>
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { low: uuid(digits.padEnd(32, '0')), high: uuid(digits.padEnd(32, 'f')) };
}
