import type pg from 'pg';
import { rowsOf } from '../../db/rows';
import { validationError } from '../../errors';
import { Prisma } from '../../generated/prisma/client';
import {
  DEFAULT_DIRECTION,
  DEFAULT_SORT,
  orderIdPrefix,
  PAGE_SIZE_DEFAULT,
  type ListOrdersQuery,
  type OrderSort,
  type SortDirection,
} from './list-params';
import {
  orderSummaryColumns,
  orderSummarySelect,
  summaryTables,
  toOrderSummary,
  type OrderSummaryRecord,
} from './queries';
import { ORDER_STATUSES, type OrderSummary } from './types';

// The orders list: one keyset page of the serving version, in any of its
// sorts, with its filters and a total.
//
// Each sort is a key of columns that all run in one direction and end in
// order_id (unique), and each key has an index in that order
// (prisma/schema.prisma), so a page is a row comparison against the cursor
// that seeks the index and reads about limit + 1 rows however deep it is:
//   placed   (placed_at, order_id)
//   changed  (last_change_at, order_id)
//   total    (total, order_id)
//   status   (status, placed_at, order_id)
//   customer (customers.name, customer_id, placed_at, order_id): customers
//            in (name, id) order, and for each, in a LATERAL subquery, at
//            most a page of their orders through (customer_id, placed_at,
//            order_id), so a page reads a page per customer it reaches, not
//            all their orders
// Descending is the exact reverse of ascending (the index read backwards).

export type OrdersPage = {
  orders: OrderSummary[];
  /** The page after this one, or null on the last page. */
  nextCursor: string | null;
  /** The page before this one, or null on the first page. */
  prevCursor: string | null;
  /**
   * Orders matching the filters. Exact when `exact`; otherwise there are more
   * than `count` (filtered counts stop at COUNT_LIMIT: see countOrders).
   */
  total: { count: number; exact: boolean };
};

/**
 * Filtered counts stop here, so counting stays a bounded read at any size,
 * whatever plan the filters get (1,000,000 orders: a search plus a status
 * counted to 10,000 took ~200 ms; to 1,000, a tenth).
 */
export const COUNT_LIMIT = 1_000;

type KeyPart = {
  sql: string;
  type: 'timestamptz' | 'uuid' | 'bigint' | 'text';
  of: (row: OrderSummaryRecord) => string;
};

const ORDER_ID: KeyPart = { sql: 's.order_id', type: 'uuid', of: (r) => r.order_id };
const PLACED: KeyPart = { sql: 's.placed_at', type: 'timestamptz', of: (r) => r.placed_key };

const KEYS: Record<OrderSort, KeyPart[]> = {
  placed: [PLACED, ORDER_ID],
  changed: [{ sql: 's.last_change_at', type: 'timestamptz', of: (r) => r.changed_key }, ORDER_ID],
  total: [{ sql: 's.total', type: 'bigint', of: (r) => String(r.total) }, ORDER_ID],
  status: [{ sql: 's.status', type: 'text', of: (r) => r.status }, PLACED, ORDER_ID],
  customer: [
    { sql: 'c.name', type: 'text', of: (r) => r.customer_name ?? '' },
    { sql: 'c.id', type: 'uuid', of: (r) => r.customer_id },
    PLACED,
    ORDER_ID,
  ],
};

// ─── Cursors ─────────────────────────────────────────────────────────────────

type Cursor = { sort: OrderSort; dir: SortDirection; values: string[] };

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BIGINT = /^-?\d{1,19}$/;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.dir, ...cursor.values]), 'utf8').toString('base64url');
}

/** null for anything encodeCursor did not produce for this sort (the values go into SQL as typed parameters). */
export function decodeCursor(
  text: string,
  sort: OrderSort,
  dir: SortDirection,
  key: KeyPart[] = KEYS[sort],
): Cursor | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  // Buffer's decoder skips characters it does not know: a round trip must give the text back.
  if (Buffer.from(JSON.stringify(parsed), 'utf8').toString('base64url') !== text) return null;
  if (!Array.isArray(parsed) || parsed[0] !== sort || parsed[1] !== dir) return null;
  const values = parsed.slice(2);
  if (values.length !== key.length) return null;
  const valid = key.every((part, i) => {
    const value = values[i];
    if (typeof value !== 'string') return false;
    switch (part.type) {
      case 'timestamptz': {
        // A well-formed but impossible date (month 13) would fail in SQL as a 500.
        const ms = `${value.slice(0, 23)}Z`;
        return TIMESTAMP.test(value) && !Number.isNaN(Date.parse(ms)) && new Date(ms).toISOString() === ms;
      }
      case 'uuid':
        return UUID.test(value);
      case 'bigint':
        return BIGINT.test(value) && BigInt(value) <= 9223372036854775807n && BigInt(value) >= -9223372036854775808n;
      case 'text':
        return part.sql !== 's.status' || (ORDER_STATUSES as readonly string[]).includes(value);
    }
  });
  return valid ? { sort, dir, values: values as string[] } : null;
}

// ─── The page ────────────────────────────────────────────────────────────────

/**
 * The filters as conditions on the summary row `s`, and the name search
 * apart (a pattern for ILIKE, or null): the customer sort applies it to the
 * customers it walks; the others ask for their ids (customers_name_trgm_idx).
 */
function filterConditions(query: ListOrdersQuery): { orders: Prisma.Sql[]; namePattern: string | null } {
  const orders: Prisma.Sql[] = [];
  let namePattern: string | null = null;
  if (query.status) orders.push(Prisma.sql`s.status = ${query.status}`);
  if (query.customerId) orders.push(Prisma.sql`s.customer_id = ${query.customerId.toLowerCase()}::uuid`);
  if (query.placedFrom) orders.push(Prisma.sql`s.placed_at >= ${query.placedFrom.toISOString()}::timestamptz`);
  if (query.placedBefore) orders.push(Prisma.sql`s.placed_at < ${query.placedBefore.toISOString()}::timestamptz`);
  if (query.q) {
    const id = orderIdPrefix(query.q);
    if (id) {
      // A prefix of the id is a range of uuids: the primary key serves it.
      orders.push(Prisma.sql`s.order_id BETWEEN ${id.low}::uuid AND ${id.high}::uuid`);
    } else {
      // Part of a name, in any case, the LIKE wildcards taken literally.
      namePattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
  }
  return { orders, namePattern };
}

/** Every filter on the summary row, the name search as a set of customer ids. */
function orderConditions(query: ListOrdersQuery): Prisma.Sql[] {
  const { orders, namePattern } = filterConditions(query);
  if (namePattern) orders.push(Prisma.sql`s.customer_id IN (SELECT id FROM customers WHERE name ILIKE ${namePattern})`);
  return orders;
}

const and = (parts: Prisma.Sql[]) => (parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`);

export async function listOrderSummaries(pool: pg.Pool, query: ListOrdersQuery): Promise<OrdersPage> {
  const sort = query.sort ?? DEFAULT_SORT;
  const dir = query.dir ?? DEFAULT_DIRECTION;
  const limit = query.limit ?? PAGE_SIZE_DEFAULT;
  const backwards = Boolean(query.before);
  // Reading towards the previous page runs the key the other way, then turns the rows round.
  const ascending = (dir === 'asc') !== backwards;
  // Filtered to one status, the status sort is the placed sort within it. Its
  // key must say so: btree cannot start a row comparison whose first column
  // an equality also bounds, and would read every row of the status up to the
  // cursor instead (seconds on a deep page).
  const key = sort === 'status' && query.status ? KEYS.placed : KEYS[sort];
  const joined = sort === 'customer';
  const cursorText = query.before ?? query.cursor;
  const cursor = cursorText ? decodeCursor(cursorText, sort, dir, key) : null;
  if (cursorText && !cursor) {
    throw validationError({
      [query.before ? 'before' : 'cursor']:
        'Not a cursor of this list in this sort: send nextCursor or prevCursor back as it was returned, with the same sort and dir.',
    });
  }
  const op = Prisma.raw(ascending ? '>' : '<');
  const direction = ascending ? 'ASC' : 'DESC';
  const columns = (parts: KeyPart[]) => Prisma.raw(parts.map((p) => p.sql).join(', '));
  const tuple = (parts: KeyPart[], from = 0) =>
    Prisma.join(
      parts.map((part, i) => Prisma.sql`${cursor!.values[from + i]}::${Prisma.raw(part.type)}`),
      ', ',
    );
  const orderBy = (parts: KeyPart[]) => Prisma.raw(parts.map((p) => `${p.sql} ${direction}`).join(', '));
  const tables = await summaryTables(pool);
  // An order id (or its start) matches a handful of orders: found through the
  // primary key and sorted, whatever the sort, rather than walked to through
  // every customer's orders (the customer sort's way, 75 ms on a deep page).
  const fewRows = Boolean(query.q && orderIdPrefix(query.q));
  const pageQuery = () => {
    if (!joined) {
      const where = orderConditions(query);
      if (cursor) {
        // The cursor's values as sub-selects (parameters of the plan, still an index
        // condition): the planner estimates a row comparison from its first column
        // alone, so with constants a cursor in the last status (status > 'shipped')
        // looked like the end of the list, and a name search was planned as a
        // bitmap scan and a sort of a whole status (500 ms) instead of a walk down
        // the index. A parameter gets the default estimate, and the bound on the
        // first column below, implied by the comparison, the real one.
        const params = Prisma.join(
          key.map((part, i) => Prisma.sql`(SELECT ${cursor.values[i]}::${Prisma.raw(part.type)})`),
          ', ',
        );
        where.push(Prisma.sql`(${columns(key)}) ${op} (${params})`);
        where.push(Prisma.sql`${Prisma.raw(key[0]!.sql)} ${Prisma.raw(ascending ? '>=' : '<=')} ${tuple([key[0]!])}`);
      }
      // The page is chosen from the summaries alone, then given its names:
      // with the join inside, a cursor near the end of a status made the
      // planner expect few rows and hash-join and sort ~44,000 of them
      // (600 ms) instead of reading 26 down the index.
      return Prisma.sql`
        SELECT ${orderSummaryColumns}
          FROM (SELECT * FROM ${Prisma.raw(tables.orders)} s
                 WHERE ${and(where)}
                 ORDER BY ${orderBy(key)}
                 LIMIT ${limit + 1}::int) s
          LEFT JOIN customers c ON c.id = s.customer_id
         ORDER BY ${orderBy(key)}`;
    }
    if (fewRows) {
      const where = orderConditions(query);
      if (cursor) where.push(Prisma.sql`(${columns(key)}) ${op} (${tuple(key)})`);
      // The customer sort needs every row's name: it joins instead of left-joining (see below).
      return Prisma.sql`
        ${orderSummarySelect(tables.orders, 'JOIN')}
         WHERE ${and(where)}
         ORDER BY ${orderBy(key)}
         LIMIT ${limit + 1}::int`;
    }
    // The customer sort: customers in name order (the name search applies to
    // them), each with at most a page of their own orders in order. An order
    // whose customer is missing from the reference data (never, while
    // customers are only added) has no name to sort by, and is not listed.
    const { orders, namePattern } = filterConditions(query);
    const customers: Prisma.Sql[] = namePattern ? [Prisma.sql`c.name ILIKE ${namePattern}`] : [];
    const [name, id, ...within] = key;
    if (cursor) {
      // Customers from the cursor's on; within the cursor's own, orders after it.
      customers.push(
        Prisma.sql`(${columns([name!, id!])}) ${Prisma.raw(ascending ? '>=' : '<=')} (${tuple([name!, id!])})`,
      );
      // Written as one row comparison whose bounds are fixed per customer (the
      // cursor's for its customer, the far end for the others), so the index
      // seeks to them instead of filtering the cursor customer's earlier orders.
      const cid = cursor.values[1]!;
      const [placedAt, orderId] = cursor.values.slice(2);
      const end = ascending
        ? ['-infinity', '00000000-0000-0000-0000-000000000000']
        : ['infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
      orders.push(
        Prisma.sql`(${columns(within)}) ${op} (
          CASE WHEN c.id = ${cid}::uuid THEN ${placedAt}::timestamptz ELSE ${end[0]}::timestamptz END,
          CASE WHEN c.id = ${cid}::uuid THEN ${orderId}::uuid ELSE ${end[1]}::uuid END)`,
      );
    }
    return Prisma.sql`
      SELECT ${orderSummaryColumns}
        FROM customers c
       CROSS JOIN LATERAL (
             SELECT * FROM ${Prisma.raw(tables.orders)} s
              WHERE s.customer_id = c.id AND ${and(orders)}
              ORDER BY ${orderBy(within)}
              LIMIT ${limit + 1}::int) s
       WHERE ${and(customers)}
       ORDER BY ${orderBy(key)}
       LIMIT ${limit + 1}::int`;
  };
  const [rows, total] = await Promise.all([
    rowsOf<OrderSummaryRecord>(pool, pageQuery()),
    countOrders(pool, tables, query),
  ]);
  // The extra row only tells whether another page exists in the direction read.
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backwards) page.reverse();
  const cursorOf = (row: OrderSummaryRecord | undefined) =>
    row ? encodeCursor({ sort, dir, values: key.map((part) => part.of(row)) }) : null;
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more : Boolean(cursor);
  return {
    orders: page.map(toOrderSummary),
    nextCursor: hasNext ? cursorOf(page.at(-1)) : null,
    prevCursor: hasPrev ? cursorOf(page[0]) : null,
    total,
  };
}

/**
 * How many orders match. Unfiltered, or by status only: the counts the
 * projection keeps beside the rows (order_summary_counts_v1, same batch, so
 * they agree with the rows), exact at any size. Any other filter: an exact
 * count through the filter's index, stopped at COUNT_LIMIT, so a filter
 * that matches most of a million orders still costs a bounded read.
 */
async function countOrders(
  pool: pg.Pool,
  tables: { orders: string; counts: string },
  query: ListOrdersQuery,
): Promise<OrdersPage['total']> {
  if (!query.customerId && !query.q && !query.placedFrom && !query.placedBefore) {
    const rows = await rowsOf<{ count: string }>(
      pool,
      Prisma.sql`SELECT coalesce(sum(orders), 0)::text AS count FROM ${Prisma.raw(tables.counts)}
                  WHERE ${query.status ? Prisma.sql`status = ${query.status}` : Prisma.sql`TRUE`}`,
    );
    return { count: Number(rows[0]?.count ?? 0), exact: true };
  }
  const rows = await rowsOf<{ count: string }>(
    pool,
    Prisma.sql`SELECT count(*)::text AS count FROM (
                 SELECT 1 FROM ${Prisma.raw(tables.orders)} s WHERE ${and(orderConditions(query))}
                 LIMIT ${COUNT_LIMIT + 1}::int) matching`,
  );
  const count = Number(rows[0]?.count ?? 0);
  return count > COUNT_LIMIT ? { count: COUNT_LIMIT, exact: false } : { count, exact: true };
}
