/**
 * The orders list (GET /api/orders) on a read model of 1,000,000 orders.
 *
 *   npm run bench:orders-list
 *   BENCH_ORDERS=200000 BENCH_RUNS=20 npm run bench:orders-list
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg; a fresh
 * database per run, dropped at the end), BENCH_ORDERS (1000000), BENCH_RUNS
 * (30 per row), BENCH_Q (the name search: "ar"), BENCH_SEED, BENCH_KEEP (1: keep
 * the database, for EXPLAIN; its URL is printed), BENCH_HTTP (0: the function
 * only, without starting the server).
 *
 * 1. Seeds order_summaries_v1 straight in SQL (INSERT … SELECT over
 *    generate_series, into the migrated table with all its indexes): orders of
 *    the 250 seeded customers over the last 365 days, 60 % placed, 30 %
 *    shipped, 10 % cancelled; then the status counts from the rows, and ANALYZE.
 * 2. Times listOrderSummaries, the function behind the route (page and total
 *    together, as the route runs them), for every sort (in the direction a
 *    header click starts with) × filter (none, a status, the last 30 days) ×
 *    search (none, part of a name, the start of an order id) × page (the first,
 *    and a deep keyset page after a random row of the list).
 * 3. Times the same requests through GET /api/orders on the server users run
 *    (`npm start`, with its worker, on the same database, signed in as the
 *    clerk with a bearer token): validation, the route, JSON and HTTP on top,
 *    and checks that each answers the same total as the function.
 * 4. Prints p50 / p95 per row, both ways, and whether every p95 is within 50 ms.
 *
 * The figures are of this machine at the time of the run: on a shared machine
 * other work shows in the tail.
 */
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { intFromEnv } from '../lib/config/env';
import { seededRandom } from '../tests/support/random';
import { startProductServer } from './product-server';
import { benchDemoPassword, requestHeaders, signIn, withBenchDatabase } from './support';

// Next.js resolves `server-only` to a no-op on the server (react-server condition); so does this bench.
const emptyModule = pathToFileURL(path.resolve('node_modules/server-only/empty.js')).href;
register(
  'data:text/javascript,' +
    encodeURIComponent(
      `export async function resolve(s, c, n) { return s === 'server-only' ? { url: ${JSON.stringify(emptyModule)}, shortCircuit: true } : n(s, c); }`,
    ),
);

const { listOrderSummaries, encodeCursor } = await import('../lib/read-models/order-summaries/list');
const { ORDER_SUMMARIES_TABLES } = await import('../lib/read-models/order-summaries/tables');
type ListOrdersQuery = import('../lib/read-models/order-summaries/list-params').ListOrdersQuery;
type OrderSort = import('../lib/read-models/order-summaries/list-params').OrderSort;
type OrderSummary = import('../lib/read-models/order-summaries/types').OrderSummary;

const ORDERS = intFromEnv('BENCH_ORDERS', 1_000_000);
const RUNS = intFromEnv('BENCH_RUNS', 30);
const Q = process.env.BENCH_Q ?? 'ar';
const random = seededRandom(intFromEnv('BENCH_SEED', 42));
const BUDGET_MS = 50;
const DAYS = 365;
const TABLES = ORDER_SUMMARIES_TABLES[1]!;
const HTTP = process.env.BENCH_HTTP !== '0';

const SORTS: [OrderSort, 'asc' | 'desc'][] = [
  ['placed', 'desc'],
  ['customer', 'asc'],
  ['status', 'asc'],
  ['total', 'desc'],
  ['changed', 'desc'],
];

async function seed(pool: pg.Pool) {
  const started = performance.now();
  const chunk = 200_000;
  for (let from = 1; from <= ORDERS; from += chunk) {
    const to = Math.min(ORDERS, from + chunk - 1);
    // Whole milliseconds, as the app's events carry them.
    await pool.query(
      `WITH c AS (SELECT array_agg(id ORDER BY id) AS ids FROM customers)
       INSERT INTO ${TABLES.orders} (order_id, customer_id, status, total, currency, line_count, item_count,
                                     placed_at, last_change_at, last_event_type, version, position)
       SELECT gen_random_uuid(), c.ids[1 + floor(random() * array_length(c.ids, 1))::int],
              s.status, 499 + floor(random() * 500000)::bigint, 'EUR', 1 + floor(random() * 5)::int,
              1 + floor(random() * 12)::int, s.placed_at,
              s.placed_at + CASE s.status WHEN 'placed' THEN interval '0' ELSE random() * interval '3 days' END,
              CASE s.status WHEN 'placed' THEN 'OrderPlaced' WHEN 'shipped' THEN 'OrderShipped' ELSE 'OrderCancelled' END,
              CASE s.status WHEN 'placed' THEN 1 ELSE 2 END, '1:' || g
         FROM c, generate_series($1::int, $2::int) g,
              LATERAL (SELECT CASE WHEN r < 0.6 THEN 'placed' WHEN r < 0.9 THEN 'shipped' ELSE 'cancelled' END AS status,
                              date_trunc('milliseconds', now() - random() * interval '${DAYS} days') AS placed_at
                         FROM (SELECT random() + g * 0 AS r) x) s`,
      [from, to],
    );
    process.stderr.write(`\r  ${to.toLocaleString('en-GB')} orders`);
  }
  await pool.query(`DELETE FROM ${TABLES.counts}`);
  await pool.query(
    `INSERT INTO ${TABLES.counts} (status, orders) SELECT status, count(*) FROM ${TABLES.orders} GROUP BY status`,
  );
  await pool.query(`VACUUM ANALYZE ${TABLES.orders}`);
  await pool.query(`ANALYZE customers`);
  console.error(`\n  seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const micros = (iso: string) => iso.replace('Z', '000Z');

/** The keyset cursor a page ending at `row` would return, in the given sort. */
function cursorAfter(row: OrderSummary, sort: OrderSort, dir: 'asc' | 'desc', oneStatus: boolean) {
  const values: Record<OrderSort, string[]> = {
    placed: [micros(row.placedAt), row.orderId],
    changed: [micros(row.lastChangeAt), row.orderId],
    total: [String(row.total), row.orderId],
    status: [row.status, micros(row.placedAt), row.orderId],
    customer: [row.customerName ?? '', row.customerId, micros(row.placedAt), row.orderId],
  };
  // Within one status, the status sort's key is the placed sort's (list.ts).
  return encodeCursor({ sort, dir, values: sort === 'status' && oneStatus ? values.placed : values[sort] });
}

/** A row at a random depth of the filtered list (through the list itself, newest first, from a random moment). */
async function randomRow(pool: pg.Pool, query: ListOrdersQuery): Promise<OrderSummary | null> {
  const span = DAYS * 86_400_000;
  const at = new Date(Date.now() - random() * span).toISOString();
  const cursor = encodeCursor({
    sort: 'placed',
    dir: 'desc',
    values: [micros(at), 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
  });
  const page = await listOrderSummaries(pool, { ...query, sort: 'placed', dir: 'desc', cursor, limit: 1 });
  return page.orders[0] ?? (await listOrderSummaries(pool, { ...query, limit: 1 })).orders[0] ?? null;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

/** A row of the table: one sort × filter × search × page, its queries, and what they took. */
type Row = {
  sort: string;
  filter: string;
  search: string;
  page: string;
  /** The queries timed, one a run (the same base, each with its own cursor). */
  queries: ListOrdersQuery[];
  times: number[];
  total: string;
  http: number[];
};

/** The query string GET /api/orders reads for `query` (list-params.ts). */
function searchParams(query: ListOrdersQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  return params;
}

const totalText = (total: { count: number; exact: boolean }) => `${total.exact ? '' : '>'}${total.count}`;

/**
 * Every row's queries again, through GET /api/orders on the server users run,
 * started on the same database: each row's times go into `row.http`, and each
 * answer must carry the total the function gave.
 */
async function timeOverHttp(databaseUrl: string, rows: Row[]) {
  console.error('Starting the server (npm start) for the HTTP rows…');
  const server = await startProductServer(databaseUrl, { worker: 'with-worker' });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const headers = requestHeaders(await signIn(base, { username: 'clerk', password: benchDemoPassword() }));
    const get = async (query: ListOrdersQuery) => {
      const response = await fetch(`${base}/api/orders?${searchParams(query)}`, { headers });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET /api/orders?${searchParams(query)}: HTTP ${response.status}: ${text}`);
      return JSON.parse(text) as { total: { count: number; exact: boolean } };
    };
    // Warm the route (compiled on first use), the connection and the pool once, untimed.
    await get({});
    for (const [i, row] of rows.entries()) {
      for (const query of row.queries) {
        const started = performance.now();
        const body = await get(query);
        row.http.push(performance.now() - started);
        // The count may only differ where it is not exact (a count that stops at 1,000).
        if (totalText(body.total) !== row.total && !row.total.startsWith('>'))
          throw new Error(`GET /api/orders gave total ${totalText(body.total)}, the function ${row.total}`);
      }
      row.http.sort((a, b) => a - b);
      process.stderr.write(`\r  ${i + 1} of ${rows.length} rows over HTTP`);
    }
    process.stderr.write('\n');
    return server.kind;
  } finally {
    await server.stop();
  }
}

await withBenchDatabase(
  'orders_list',
  async ({ url, server }) => {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    try {
      console.error(`Seeding ${ORDERS.toLocaleString('en-GB')} orders into ${TABLES.orders}…`);
      await seed(pool);
      const idPrefix = (
        await pool.query<{ id: string }>(`SELECT order_id::text AS id FROM ${TABLES.orders} LIMIT 1`)
      ).rows[0]!.id.slice(0, 5);
      // Starts with a digit or has a dash: searched as an order id.
      const idSearch = /[0-9]/.test(idPrefix) ? idPrefix : `${idPrefix.slice(0, 4)}-`;
      const filters: [string, Partial<ListOrdersQuery>][] = [
        ['none', {}],
        ['status=shipped', { status: 'shipped' }],
        ['last 30 days', { placedFrom: new Date(Date.now() - 30 * 86_400_000) }],
      ];
      const searches: [string, Partial<ListOrdersQuery>][] = [
        ['none', {}],
        [`name "${Q}"`, { q: Q }],
        [`id "${idSearch}"`, { q: idSearch }],
      ];
      const results: Row[] = [];
      // Warm the caches and the prepared statements once, untimed.
      await listOrderSummaries(pool, {});
      for (const [sort, dir] of SORTS) {
        for (const [filterName, filter] of filters) {
          for (const [searchName, search] of searches) {
            const base: ListOrdersQuery = { ...filter, ...search, sort, dir, limit: 25 };
            for (const pageName of ['first', 'deep']) {
              const queries: ListOrdersQuery[] = [];
              for (let i = 0; i < RUNS; i++) {
                const row = pageName === 'deep' ? await randomRow(pool, base) : null;
                queries.push({ ...base, cursor: row ? cursorAfter(row, sort, dir, Boolean(base.status)) : undefined });
              }
              const times: number[] = [];
              let total = '';
              for (const query of queries) {
                const started = performance.now();
                const page = await listOrderSummaries(pool, query);
                times.push(performance.now() - started);
                total = totalText(page.total);
              }
              times.sort((a, b) => a - b);
              results.push({
                sort: `${sort} ${dir}`,
                filter: filterName,
                search: searchName,
                page: pageName,
                queries,
                times,
                total,
                http: [],
              });
              process.stderr.write(
                `\r  ${results.length} of ${SORTS.length * filters.length * searches.length * 2} rows`,
              );
            }
          }
        }
      }
      process.stderr.write('\n');
      const serverKind = HTTP ? await timeOverHttp(url, results) : null;

      const pad = (text: string, n: number) => text.padEnd(n);
      const num = (ms: number) => ms.toFixed(1).padStart(7);
      console.log(
        `\nThe orders list on ${ORDERS.toLocaleString('en-GB')} orders (${server.kind} PostgreSQL, ${os.cpus().length} CPUs, ${RUNS} runs a row, 25 rows a page):` +
          ` listOrderSummaries, the function behind the route, in this process` +
          (serverKind ? `; and GET /api/orders with the same parameters on ${serverKind}` : '') +
          '\n',
      );
      console.log(
        `${pad('sort', 14)}${pad('filter', 16)}${pad('search', 14)}${pad('page', 7)}${'p50 ms'.padStart(7)}${'p95 ms'.padStart(8)}` +
          (serverKind ? `${'HTTP p50'.padStart(10)}${'p95'.padStart(8)}` : '') +
          '  total',
      );
      // What a user waits for: the HTTP time where there is one.
      const p95 = (r: Row) => percentile(r.http.length ? r.http : r.times, 0.95);
      for (const r of results) {
        const flag = p95(r) > BUDGET_MS ? '  ← over' : '';
        const http = r.http.length ? `   ${num(percentile(r.http, 0.5))} ${num(percentile(r.http, 0.95))}` : '';
        console.log(
          `${pad(r.sort, 14)}${pad(r.filter, 16)}${pad(r.search, 14)}${pad(r.page, 7)}${num(percentile(r.times, 0.5))} ${num(percentile(r.times, 0.95))}${http}  ${r.total}${flag}`,
        );
      }
      const worst = results.reduce((a, b) => (p95(b) > p95(a) ? b : a));
      const over = results.filter((r) => p95(r) > BUDGET_MS);
      console.log(
        `\np95 ≤ ${BUDGET_MS} ms${serverKind ? ' over HTTP' : ''}: ${over.length === 0 ? 'holds for every row' : `fails for ${over.length} of ${results.length} rows`} (worst ${p95(worst).toFixed(1)} ms: ${worst.sort}, ${worst.filter}, ${worst.search}, ${worst.page} page)`,
      );
    } finally {
      await pool.end();
    }
  },
  { keep: process.env.BENCH_KEEP === '1', preparing: 'migrations, seed' },
);
