// The orders list's state lives in the address bar, so reload, back and a
// shared link show the same list. Pure: the page (server) and the table
// (browser) read the URL the same way.
import type { OrdersListParams } from '@/lib/read-models/order-summaries/client';
import {
  DEFAULT_DIRECTION,
  DEFAULT_SORT,
  listOrdersParams,
  ORDER_PAGE_SIZES,
  PAGE_SIZE_DEFAULT,
  type OrderSort,
  type SortDirection,
} from '@/lib/read-models/order-summaries/list-params';
import type { OrderStatus } from '@/lib/read-models/order-summaries/types';

export type ListState = {
  status?: OrderStatus | undefined;
  customerId?: string | undefined;
  q?: string | undefined;
  /** Placed on or after this day / on or before this day (YYYY-MM-DD, the browser's time zone). */
  from?: string | undefined;
  to?: string | undefined;
  sort: OrderSort;
  dir: SortDirection;
  size: number;
  cursor?: string | undefined;
  before?: string | undefined;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

type SearchLike = { get(name: string): string | null };

/** Each parameter checked alone with the API's own schema; one that does not pass is left out, not an error page. */
export function readListState(search: SearchLike): ListState {
  const field = <K extends keyof typeof listOrdersParams.shape>(name: K, raw = search.get(name)) => {
    if (raw === null) return undefined;
    const result = listOrdersParams.shape[name].safeParse(raw);
    return result.success ? (result.data as never) : undefined;
  };
  const day = (name: string) => {
    const value = search.get(name);
    // Date.parse rolls 30 February over into March: only a day that reads back the same is one.
    const ms = value && DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
    return value && !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value) ? value : undefined;
  };
  const size = Number(search.get('size'));
  const sort: OrderSort = field('sort') ?? DEFAULT_SORT;
  const dir: SortDirection = field('dir') ?? DEFAULT_DIRECTION;
  return {
    status: field('status'),
    customerId: field('customerId'),
    q: field('q'),
    from: day('from'),
    to: day('to'),
    sort,
    dir,
    size: (ORDER_PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZE_DEFAULT,
    cursor: field('cursor'),
    before: field('cursor') ? undefined : field('before'),
  };
}

/** The URL's query string for a state; defaults are left out so the plain list stays at /orders. */
export function listSearch(state: ListState): string {
  const search = new URLSearchParams();
  if (state.q) search.set('q', state.q);
  if (state.status) search.set('status', state.status);
  if (state.customerId) search.set('customerId', state.customerId);
  if (state.from) search.set('from', state.from);
  if (state.to) search.set('to', state.to);
  if (state.sort !== DEFAULT_SORT || state.dir !== DEFAULT_DIRECTION) {
    search.set('sort', state.sort);
    search.set('dir', state.dir);
  }
  if (state.size !== PAGE_SIZE_DEFAULT) search.set('size', String(state.size));
  if (state.cursor) search.set('cursor', state.cursor);
  if (state.before) search.set('before', state.before);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Midnight at the start of a day in the browser's time zone, as an instant. */
function startOfDay(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
}

/** Whether the state names days: those are local days, so only the browser can turn them into instants. */
export const hasDays = (state: ListState) => Boolean(state.from || state.to);

/** GET /api/orders's parameters for a state ("to" is inclusive: before the start of the next day). */
export function apiParams(state: ListState): OrdersListParams {
  return {
    status: state.status,
    customerId: state.customerId,
    q: state.q,
    placedFrom: state.from ? startOfDay(state.from) : undefined,
    placedBefore: state.to ? startOfDay(state.to, 1) : undefined,
    sort: state.sort,
    dir: state.dir,
    limit: state.size,
    cursor: state.cursor,
    before: state.before,
  };
}
