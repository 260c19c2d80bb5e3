/**
 * The customer-stats dashboard "as of" a past moment, on a log of 100,000 events.
 *
 *   npm run bench:dashboard-at
 *   BENCH_EVENTS=200000 BENCH_RUNS=40 npm run bench:dashboard-at
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg; a fresh
 * database per run, dropped at the end), BENCH_EVENTS (100000), BENCH_DAYS (30:
 * the span of history), BENCH_RUNS (25 random moments per row), BENCH_SEED,
 * BENCH_TRY_INDEX (1: also time with a B-tree and with a BRIN index on events (recorded_at); 0: skip),
 * BENCH_KEEP (1: keep the database afterwards, for EXPLAIN; its URL is printed).
 *
 * 1. History: orders of the 250 seeded customers decided by the real domain
 *    (decide / evolve), with the metadata handleOrderCommand writes, spread over
 *    BENCH_DAYS. Written by bulk INSERT … SELECT in chunks, each chunk ONE
 *    statement that does what the store's append statement does per event:
 *    prev_hash from the stream's head, hash by ll_event_hash, the streams row
 *    (version, head and previous head) and the commands row. recorded_at is the
 *    moment the store would have written the row (the command's time plus a few
 *    ms) instead of the seeding transaction's now(); a chunk is one transaction,
 *    so its events share a transaction id, as several events of one append do.
 * 2. Checks that the rows are what the store writes: every hash recomputed by
 *    ll_event_hash, every prev_hash equal to the previous version's hash, stream
 *    rows at their last version, and verifyStream (the chain recomputed in Node)
 *    on 200 random orders.
 * 3. Builds customer_stats_v1 with the projection itself (processNextBatch), then
 *    checks: as of now equals the live list, page by page; as of three random
 *    moments equals a fold of the generated events in Node.
 * 4. Times listCustomerStatsAt (page query + count, as GET
 *    /api/stats/customers?at= runs them) at random moments within the history:
 *    sort by spent / orders, with and without q; and the live list beside it;
 *    then getDashboardMetricsAt (GET /api/stats/metrics?at=) for a 60- and a 1440-minute window.
 */
import { intFromEnv } from '../lib/config/env';
import { EVENT_SCHEMAS } from '../lib/event-schemas';
import { generateHistory, writeHistory, type SeedEvent } from './history';
import { withBenchDatabase } from './support';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
// The tests' seeded generator: a run can be repeated from BENCH_SEED.
import { seededRandom } from '../tests/support/random';

// Next.js resolves `server-only` to a no-op on the server (react-server condition); so does this bench.
const emptyModule = pathToFileURL(path.resolve('node_modules/server-only/empty.js')).href;
register(
  'data:text/javascript,' +
    encodeURIComponent(
      `export async function resolve(s, c, n) { return s === 'server-only' ? { url: ${JSON.stringify(emptyModule)}, shortCircuit: true } : n(s, c); }`,
    ),
);

const { seedCustomers } = await import('../lib/db/seed');
const { createEventStore } = await import('../lib/event-store');
const { processNextBatch } = await import('../lib/projections/batch');
const { ensureCheckpoint } = await import('../lib/projections/checkpoint');
const { customerStatsV1: customerStats } = await import('../lib/read-models/customer-stats/projection');
const { listCustomerStatsAt } = await import('../lib/read-models/customer-stats/at');
const { getDashboardMetricsAt } = await import('../lib/read-models/order-metrics/at');
const { listCustomerStats } = await import('../lib/read-models/customer-stats/queries');

type CustomerStatsRow = import('../lib/read-models/customer-stats/types').CustomerStatsRow;

const EVENTS = intFromEnv('BENCH_EVENTS', 100_000, { min: 1 });
const DAYS = intFromEnv('BENCH_DAYS', 30, { min: 1 });
const RUNS = intFromEnv('BENCH_RUNS', 25, { min: 1 });
const SEED = intFromEnv('BENCH_SEED', 20_261_126, { min: 1 });
const TRY_INDEX = process.env.BENCH_TRY_INDEX !== '0';
const KEEP = process.env.BENCH_KEEP === '1';
const CHUNK = 2_000;
const SEARCH = 'an';

// 1. History: generateHistory and writeHistory (bench/history.ts).

// ---------------------------------------------------------------------------
// 2. The rows are the store's
// ---------------------------------------------------------------------------

async function checkRows(pool: pg.Pool, events: SeedEvent[]) {
  const { rows } = await pool.query<{ events: number; bad_hash: number; bad_link: number; bad_streams: number }>(`
    SELECT (SELECT count(*)::int FROM events) AS events,
           (SELECT count(*)::int FROM events e
             WHERE e.hash <> ll_event_hash(e.prev_hash, e.stream_id, e.stream_version, e.event_type, e.schema_version,
                                           e.data, e.metadata, e.occurred_at)) AS bad_hash,
           (SELECT count(*)::int FROM events e
              LEFT JOIN events p ON p.stream_id = e.stream_id AND p.stream_version = e.stream_version - 1
             WHERE e.prev_hash <> coalesce(p.hash, CASE WHEN e.stream_version = 1 THEN repeat('0', 64) END)) AS bad_link,
           (SELECT count(*)::int FROM streams s
              JOIN LATERAL (SELECT max(stream_version) AS v, count(*) AS n FROM events e WHERE e.stream_id = s.stream_id) x ON true
              JOIN events h ON h.stream_id = s.stream_id AND h.stream_version = s.version
             WHERE s.version <> x.v OR s.version <> x.n OR s.head_hash <> h.hash OR s.prev_head_hash <> h.prev_hash) AS bad_streams`);
  const r = rows[0]!;
  if (r.events !== events.length || r.bad_hash || r.bad_link || r.bad_streams) {
    throw new Error(`the seeded rows are not what the store writes: ${JSON.stringify(r)}`);
  }
  const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
  const rng = seededRandom(SEED + 1);
  const streams = [...new Set(events.map((e) => e.streamId))];
  for (let i = 0; i < 200; i++) {
    const verdict = await store.verifyStream(streams[Math.floor(rng() * streams.length)]!);
    if (!verdict.ok) throw new Error(`verifyStream failed: ${JSON.stringify(verdict)}`);
  }
  return `${r.events} events, ${streams.length} orders: every hash = ll_event_hash, every prev_hash links, streams rows at their heads, verifyStream ok on 200 random orders`;
}

// ---------------------------------------------------------------------------
// 3. Correctness at scale
// ---------------------------------------------------------------------------

async function catchUp(pool: pg.Pool) {
  const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
  await ensureCheckpoint(pool, customerStats);
  let applied = 0;
  for (;;) {
    const batch = await processNextBatch(pool, store, customerStats, 2_000);
    if (!batch) return applied;
    applied += batch.events.length;
  }
}

async function allPages(load: (page: number) => Promise<{ customers: CustomerStatsRow[]; total: number }>) {
  const rows: CustomerStatsRow[] = [];
  for (let page = 1; ; page++) {
    const result = await load(page);
    rows.push(...result.customers);
    if (result.customers.length === 0 || rows.length >= result.total) return rows;
  }
}

/** The projection's rules applied in Node to the generated events recorded by `at` (ms). */
function foldStats(events: SeedEvent[], at: number) {
  const stats = new Map<
    string,
    { totalOrders: number; totalSpent: number; cancelledOrders: number; cancelledAmount: number; lastOrderAt: number }
  >();
  for (const e of events) {
    if (e.recordedAt.getTime() > at) continue;
    const s = stats.get(e.customerId) ?? {
      totalOrders: 0,
      totalSpent: 0,
      cancelledOrders: 0,
      cancelledAmount: 0,
      lastOrderAt: -Infinity,
    };
    if (e.type === 'OrderPlaced') {
      s.totalOrders += 1;
      s.totalSpent += e.data.total as number;
      s.lastOrderAt = Math.max(s.lastOrderAt, Date.parse(e.data.placedAt as string));
    } else if (e.type === 'OrderCancelled') {
      s.totalOrders -= 1;
      s.totalSpent -= e.data.amount as number;
      s.cancelledOrders += 1;
      s.cancelledAmount += e.data.amount as number;
    } else if (e.type === 'OrderPriceAdjusted') {
      s.totalSpent += e.data.amountDelta as number;
    } else continue;
    stats.set(e.customerId, s);
  }
  return stats;
}

async function checkResults(pool: pg.Pool, events: SeedEvent[], span: { from: number; to: number }) {
  const checks: string[] = [];
  for (const sort of ['spent', 'orders'] as const) {
    const live = await allPages((page) => listCustomerStats(pool, { sort, page, pageSize: 100 }));
    const asOf = await allPages((page) => listCustomerStatsAt(pool, { sort, page, pageSize: 100, at: new Date() }));
    if (JSON.stringify(live) !== JSON.stringify(asOf)) throw new Error(`as of now ≠ live list (sort ${sort})`);
  }
  checks.push('as of now = the live list (customer_stats_v1 after the projection caught up), every page, both sorts');
  const rng = seededRandom(SEED + 2);
  for (let i = 0; i < 3; i++) {
    const at = Math.round(span.from + rng() * (span.to - span.from));
    const expected = foldStats(events, at);
    const rows = await allPages((page) => listCustomerStatsAt(pool, { page, pageSize: 100, at: new Date(at) }));
    for (const row of rows) {
      const s = expected.get(row.customerId);
      const want = s
        ? { ...s, lastOrderAt: new Date(s.lastOrderAt).toISOString() }
        : { totalOrders: 0, totalSpent: 0, cancelledOrders: 0, cancelledAmount: 0, lastOrderAt: null };
      const got = {
        totalOrders: row.totalOrders,
        totalSpent: row.totalSpent,
        cancelledOrders: row.cancelledOrders,
        cancelledAmount: row.cancelledAmount,
        lastOrderAt: row.lastOrderAt,
      };
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        throw new Error(
          `as of ${new Date(at).toISOString()}: ${row.customerId} is ${JSON.stringify(got)}, the fold says ${JSON.stringify(want)}`,
        );
      }
    }
  }
  checks.push('as of 3 random moments = a fold of the generated events in Node, every customer');
  return checks;
}

// ---------------------------------------------------------------------------
// 4. Timing
// ---------------------------------------------------------------------------

type Row = { label: string; runs: number; p50: number; p95: number; max: number };

function summarize(label: string, times: number[]): Row {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { label, runs: times.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}

async function time(run: () => Promise<unknown>) {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function measure(pool: pg.Pool, span: { from: number; to: number }, seed: number): Promise<Row[]> {
  const rows: Row[] = [];
  const rng = seededRandom(seed);
  const cases = [
    { sort: 'spent', q: undefined },
    { sort: 'orders', q: undefined },
    { sort: 'spent', q: SEARCH },
    { sort: 'orders', q: SEARCH },
  ] as const;
  // Warm-up: plans, caches, connections.
  for (let i = 0; i < 5; i++) await listCustomerStatsAt(pool, { at: new Date(span.to) });
  for (const { sort, q } of cases) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const at = new Date(Math.round(span.from + rng() * (span.to - span.from)));
      times.push(await time(() => listCustomerStatsAt(pool, { sort, q, at })));
    }
    rows.push(summarize(`as of random T, sort=${sort}${q ? `, q=${q}` : ''}`, times));
  }
  const latest: number[] = [];
  for (let i = 0; i < RUNS; i++) latest.push(await time(() => listCustomerStatsAt(pool, { at: new Date() })));
  rows.push(summarize('as of now (whole log), sort=spent', latest));
  const deep: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const at = new Date(Math.round(span.from + rng() * (span.to - span.from)));
    deep.push(await time(() => listCustomerStatsAt(pool, { at, page: 10, pageSize: 25 })));
  }
  rows.push(summarize('as of random T, sort=spent, page 10', deep));
  const live: number[] = [];
  for (let i = 0; i < RUNS; i++)
    live.push(await time(() => listCustomerStats(pool, { sort: i % 2 ? 'orders' : 'spent' })));
  rows.push(summarize('live list (customer_stats_v1), for comparison', live));
  // The key figures and chart as of a moment (GET /api/stats/metrics?at=): the same one pass over the log.
  for (const minutes of [60, 1440]) {
    const metrics: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const at = new Date(Math.round(span.from + rng() * (span.to - span.from)));
      metrics.push(await time(() => getDashboardMetricsAt(pool, { minutes, at })));
    }
    rows.push(summarize(`metrics as of random T, ${minutes} min (and as many before)`, metrics));
  }
  return rows;
}

function table(title: string, rows: Row[]) {
  const width = Math.max(...rows.map((r) => r.label.length));
  const ms = (n: number) => n.toFixed(1).padStart(8);
  console.log(`\n${title}`);
  console.log(`${'query'.padEnd(width)}  runs   p50 ms   p95 ms   max ms`);
  console.log(`${'-'.repeat(width)}  ----  -------  -------  -------`);
  for (const r of rows)
    console.log(`${r.label.padEnd(width)}  ${String(r.runs).padStart(4)} ${ms(r.p50)} ${ms(r.p95)} ${ms(r.max)}`);
}

// ---------------------------------------------------------------------------

async function main() {
  await withBenchDatabase(
    'ledgerline_bench_at',
    async ({ url, server }) => {
      const pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 0 });
      pool.on('error', (error) => console.error('A pooled connection failed:', error.message));
      try {
        let started = performance.now();
        const events = [...generateHistory({ count: EVENTS, end: Date.now() - 60_000, days: DAYS, seed: SEED })];
        const generatedMs = performance.now() - started;
        started = performance.now();
        await writeHistory(pool, events, { chunkSize: CHUNK });
        const writtenMs = performance.now() - started;
        console.error(
          `Generated ${events.length} events in ${(generatedMs / 1000).toFixed(1)} s, wrote them in ${(writtenMs / 1000).toFixed(1)} s; checking…`,
        );
        const rowCheck = await checkRows(pool, events);
        started = performance.now();
        const projected = await catchUp(pool);
        const projectedMs = performance.now() - started;
        const span = { from: events[0]!.recordedAt.getTime(), to: events.at(-1)!.recordedAt.getTime() };
        const checks = await checkResults(pool, events, span);

        const { rows: info } = await pool.query<{ version: string; size: string; jit: string; workers: string }>(
          `SELECT current_setting('server_version') AS version, pg_size_pretty(pg_total_relation_size('events')) AS size,
                current_setting('jit') AS jit, current_setting('max_parallel_workers_per_gather') AS workers`,
        );
        const counts = events.reduce<Record<string, number>>((n, e) => ({ ...n, [e.type]: (n[e.type] ?? 0) + 1 }), {});
        console.log(
          'bench:dashboard-at — customer stats as of a past moment (listCustomerStatsAt: page query + count)',
        );
        console.log(
          `PostgreSQL ${info[0]!.version} (${server.kind}), ${os.cpus().length} cores, Node ${process.version}; ` +
            `jit ${info[0]!.jit}, max_parallel_workers_per_gather ${info[0]!.workers}`,
        );
        console.log(
          `history: ${events.length} events over ${DAYS} days (events table ${info[0]!.size}), ${seedCustomers().length} customers; ` +
            Object.entries(counts)
              .map(([type, n]) => `${type} ${n}`)
              .join(', '),
        );
        console.log(`seeded by bulk INSERT … SELECT in ${(writtenMs / 1000).toFixed(1)} s; ${rowCheck}`);
        console.log(`projection customer_stats applied ${projected} events in ${(projectedMs / 1000).toFixed(1)} s`);
        for (const check of checks) console.log(`check: ${check}`);
        console.log(
          `T: uniform over the history's recorded_at span; pages of 25; q=${SEARCH} matches ${(await listCustomerStats(pool, { q: SEARCH })).total} customers`,
        );

        const loadBefore = os.loadavg()[0]!;
        table('No index on recorded_at (as shipped):', await measure(pool, span, SEED + 3));
        if (TRY_INDEX) {
          // The same moments again with each candidate index; dropped afterwards.
          for (const [name, ddl] of [
            ['a B-tree index on events (recorded_at)', 'CREATE INDEX bench_events_recorded_at ON events (recorded_at)'],
            [
              'a BRIN index on events (recorded_at)',
              'CREATE INDEX bench_events_recorded_at ON events USING brin (recorded_at)',
            ],
          ] as const) {
            await pool.query(ddl);
            await pool.query('ANALYZE events');
            table(`With ${name} (candidate, not shipped):`, await measure(pool, span, SEED + 3));
            await pool.query('DROP INDEX bench_events_recorded_at');
          }
          // Other processes share the cores: the first table again shows how much the machine drifted meanwhile.
          table('No index again (drift check):', await measure(pool, span, SEED + 3));
        }
        console.log(
          `\nload average (1 min) before / after timing: ${loadBefore.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`,
        );
      } finally {
        await pool.end();
      }
    },
    { keep: KEEP },
  );
}

await main();
