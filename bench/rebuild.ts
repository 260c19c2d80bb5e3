/**
 * Projection rebuild throughput: each projection of lib/read-models (PROJECTIONS)
 * rebuilt from zero over a log of 1,000,000 events by the product's own
 * worker, beside the limit (a cursor read of the same events into Node) and
 * the peer (Emmett's rebuildPostgreSQLProjections with the same customer
 * stats handler over the same events).
 *
 *   npm run bench:rebuild
 *   BENCH_EVENTS=100000 npm run bench:rebuild        (a short run while iterating)
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg; a fresh
 * database per run, dropped at the end), BENCH_EVENTS (1000000), BENCH_DAYS
 * (30: the span of history), BENCH_SEED, BENCH_EMMETT (1: run the peer; 0:
 * skip), BENCH_EMMETT_BATCH (Emmett's pull batch size; default the worker's
 * catch-up batch, so both read the same amount per round trip),
 * BENCH_KEEP (1: keep the database afterwards; its URL is printed),
 * BENCH_DATABASE (the name of a database an earlier run kept: its history is
 * rebuilt again, nothing is written, Emmett is skipped; to compare code
 * versions over the same events).
 *
 * 1. History: orders decided by the real domain (bench/history.ts, the
 *    generator bench:dashboard-at uses), written by bulk INSERT … SELECT in
 *    chunks that do what the store's append does (hash chain, streams and
 *    commands rows).
 * 2. Each projection version (every version of every read model) in its own
 *    child process: its main slot put at the head of the log (a version that
 *    serves and is caught up: its main loop stays idle, see childProjection),
 *    a rebuild requested as an operator does (requestRebuild: fresh copies of
 *    its tables beside the ones that serve), then startProjectionWorker with
 *    that version alone, as `npm run start:worker` runs it (processNextBatch
 *    → gap-safe readAll → applyBatch: rows and checkpoint in one transaction
 *    by compare-and-set), timed until its rebuilt tables have taken over
 *    (swapInRebuild committed). A child of its own so that its peak RSS
 *    (getrusage ru_maxrss, read by the child when done) is the rebuild's
 *    alone, not the generator's.
 * 3. The limit: the same events, the same columns readAll selects, through
 *    DECLARE CURSOR … FETCH 5000 into Node (pg parses them; no events built).
 * 4. The peer: the same events copied into Emmett's tables by one INSERT …
 *    SELECT (as its append would store them; the copy is not timed), then
 *    rebuildPostgreSQLProjections with a projection whose handler is
 *    Ledgerline's customerStats.apply on Emmett's events, so both run the same
 *    SQL per batch and differ only in reading, checkpointing and batching.
 *    Its rows must equal Ledgerline's rebuilt customer_stats_v1.
 *
 * Printed per contender: events/s (wall clock), peak RSS, and CPU time per
 * event of the child process and of the PostgreSQL server (when it runs on
 * this machine), which say what the work costs whatever else a shared
 * machine runs meanwhile (events/s does not).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import pg from 'pg';
import { intFromEnv } from '../lib/config/env';
import { EVENT_COLUMNS, PROJECTION_EVENT_COLUMNS } from '../lib/event-store/sql';
import { ORDER_EVENT_SCHEMA } from '../lib/order-stream';
import { OPERATIONS_STREAM_TYPE } from '../lib/projections/operations-log';
import { PROJECTIONS } from '../lib/read-models';
import { generateHistory, writeHistory } from './history';
import { databaseUrl, processTreeCpuMs, startBenchServer, withBenchDatabase, type BenchServer } from './support';

const EVENTS = intFromEnv('BENCH_EVENTS', 1_000_000, { min: 1 });
const DAYS = intFromEnv('BENCH_DAYS', 30, { min: 1 });
const SEED = intFromEnv('BENCH_SEED', 20_261_202, { min: 1 });
const RUN_EMMETT = process.env.BENCH_EMMETT !== '0';
const KEEP = process.env.BENCH_KEEP === '1';
/** A database kept by an earlier run (BENCH_KEEP) on the bench server: rebuild over its history again. */
const REUSE = process.env.BENCH_DATABASE;
const CURSOR_FETCH = 5_000;
const WRITE_CHUNK = 5_000;
const EMMETT_NAME = 'customer_stats_emmett';
/** Where the parent keeps Ledgerline's rebuilt customer stats while Emmett rebuilds the same table. */
const LEDGERLINE_COPY = 'bench_ledgerline_customer_stats';

type Measured = {
  contender: string;
  events: number;
  ms: number;
  /** Peak resident set of the child, bytes (getrusage: the kernel's high-water mark). */
  peakRss: number;
  /** Its RSS just before the work started (Node, tsx, the modules loaded). */
  startRss: number;
  /** CPU time of the child's process over the timed span (user + system, all threads), ms. */
  cpuMs: number;
  /** CPU time of the PostgreSQL server (postmaster and backends) over the child's whole run, ms; NaN if not local. */
  serverCpuMs?: number;
  batches?: number;
  note?: string;
};

// ---------------------------------------------------------------------------
// Children: each measures one contender and prints one JSON line
// ---------------------------------------------------------------------------

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

function report(result: Omit<Measured, 'peakRss'>) {
  process.stdout.write(`${JSON.stringify({ ...result, peakRss: process.resourceUsage().maxRSS * 1024 })}\n`);
}

const projectionKey = (p: { name: string; version: number }) => `${p.name}:v${p.version}`;

/**
 * The product's rebuild of one version, as an operator asks for it
 * (requestRebuild), timed from the worker's start until the rebuilt tables
 * have taken over (swapInRebuild committed): the replay, anything done to the
 * copies before the swap, and the swap itself.
 *
 * The version's main slot is put at the head of the log first, as for a
 * version that serves and is caught up, so that the worker's main loop is
 * idle and the rebuild is all the work (its tables stay empty: nothing reads
 * them here, and the swap replaces them). Left at the start of the log, the
 * main loop would replay the whole log into its own tables beside the
 * rebuild, and the figure would be two replays at once.
 */
async function childProjection(url: string, key: string) {
  const { startProjectionWorker } = await import('../lib/projections/worker');
  const { requestRebuild } = await import('../lib/projections/rebuild');
  const { createEventStore } = await import('../lib/event-store');
  const { EVENT_SCHEMAS } = await import('../lib/event-schemas');
  const { ensureCheckpoint } = await import('../lib/projections/checkpoint');
  const projection = PROJECTIONS.find((p) => projectionKey(p) === key);
  if (!projection) throw new Error(`no projection ${key}`);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  await ensureCheckpoint(pool, projection);
  await pool.query(
    `UPDATE projection_checkpoints c
        SET transaction_id = h.transaction_id::text::bigint, global_position = h.global_position,
            events_processed = h.n, caught_up_at = now()
       FROM (SELECT transaction_id, global_position, count(*) OVER () AS n FROM events
              ORDER BY transaction_id DESC, global_position DESC LIMIT 1) h
      WHERE c.name = $1 AND c.version = $2 AND c.slot = 'main'`,
    [projection.name, projection.version],
  );
  const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
  await requestRebuild({ pool, store }, projection, { reason: 'bench:rebuild' }, { id: 'bench', name: 'bench' });
  await pool.end();

  const startRss = process.memoryUsage().rss;
  let seen = 0;
  let batches = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const worker = startProjectionWorker({
    connectionString: url,
    projections: [projection],
    log: (line) => console.error(`[worker] ${line}`),
    onBatch: (_, result, slot) => {
      if (slot !== 'rebuild') return;
      seen += result.events.length;
      batches += 1;
    },
    onRebuilt: () => finish(),
  });
  await done;
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  await worker.stop();
  report({
    contender: `Ledgerline ${projection.name} v${projection.version}`,
    events: seen,
    ms,
    cpuMs,
    startRss,
    batches,
  });
}

/**
 * The limit: nothing but reading the rows, in readAll's order: all of
 * readAll's columns, or only those of readAllForProjections (what the
 * worker reads).
 */
async function childCursor(url: string, columns: 'all' | 'projection') {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const startRss = process.memoryUsage().rss;
  const started = performance.now();
  const cpu = process.cpuUsage();
  let events = 0;
  let batches = 0;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(
    `DECLARE all_events NO SCROLL CURSOR FOR
       SELECT ${columns === 'all' ? EVENT_COLUMNS : PROJECTION_EVENT_COLUMNS} FROM events
        ORDER BY events.transaction_id, events.global_position`,
  );
  for (;;) {
    const { rows } = await client.query(`FETCH ${CURSOR_FETCH} FROM all_events`);
    if (rows.length === 0) break;
    events += rows.length;
    batches += 1;
  }
  await client.query('COMMIT');
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  await client.end();
  report({
    contender: `cursor read, ${columns === 'all' ? "readAll's" : "the worker's"} columns (FETCH ${CURSOR_FETCH})`,
    events,
    ms,
    cpuMs,
    startRss,
    batches,
  });
}

/** The peer: Emmett's rebuild of a customer-stats projection over its copy of the events. */
async function childEmmett(url: string, batchSize: number) {
  const { postgreSQLProjection, rebuildPostgreSQLProjections } = await import('@event-driven-io/emmett-postgresql');
  const { customerStatsV1: customerStats } = await import('../lib/read-models/customer-stats/projection');
  type RecordedEvent = import('../lib/event-store').RecordedEvent;
  const types = new Set(customerStats.eventTypes);
  let handled = 0;
  let batches = 0;
  const projection = postgreSQLProjection({
    name: EMMETT_NAME,
    canHandle: [...customerStats.eventTypes],
    truncate: async (context) => {
      await context.execute.command(
        (await import('@event-driven-io/dumbo')).rawSql(`TRUNCATE ${customerStats.tables.join(', ')}`),
      );
    },
    handle: async (events, context) => {
      batches += 1;
      // Emmett's events as the RecordedEvent fields the handler reads. Every
      // stored shape here is the current one (the generator writes them so), so
      // the schema version is the current one too.
      const recorded: RecordedEvent[] = [];
      for (const event of events) {
        if (!types.has(event.type)) continue;
        const metadata = event.metadata as unknown as Record<string, unknown> & {
          streamName: string;
          streamPosition: bigint;
          globalPosition: bigint;
        };
        const type = event.type as keyof typeof ORDER_EVENT_SCHEMA.current;
        const e = {
          position: `0:${metadata.globalPosition}`,
          globalPosition: Number(metadata.globalPosition),
          transactionId: '0',
          streamId: metadata.streamName,
          streamType: 'order',
          version: Number(metadata.streamPosition),
          type,
          schemaVersion: ORDER_EVENT_SCHEMA.current[type],
          storedSchemaVersion: ORDER_EVENT_SCHEMA.current[type],
          data: event.data as RecordedEvent['data'],
          metadata: metadata as RecordedEvent['metadata'],
          occurredAt: new Date(metadata.occurredAt as string),
          recordedAt: new Date(metadata.occurredAt as string),
          hash: '',
          prevHash: '',
        } satisfies RecordedEvent;
        // What Ledgerline's runtime does before apply: impossible amounts are set aside.
        if (customerStats.rejects?.(e) == null) recorded.push(e);
      }
      handled += recorded.length;
      if (recorded.length > 0)
        await customerStats.apply(context.connection.client as unknown as pg.PoolClient, recorded);
    },
  });
  const startRss = process.memoryUsage().rss;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const consumer = rebuildPostgreSQLProjections({
    connectionString: url,
    projection,
    pulling: { batchSize, pullingFrequencyInMs: 0 },
  });
  await consumer.start();
  const ms = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  await consumer.close();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const { rows } = await pool.query<{ position: string; total: string }>(
    `SELECT (SELECT last_processed_checkpoint FROM emt_processors WHERE processor_id LIKE '%' || $1 || '%' LIMIT 1)::text AS position,
            (SELECT count(*) FROM emt_messages)::text AS total`,
    [EMMETT_NAME],
  );
  await pool.end();
  report({
    contender: 'Emmett 0.42 customer_stats',
    events: Number(rows[0]!.total),
    ms,
    cpuMs,
    startRss,
    batches,
    note: `checkpoint ${rows[0]!.position}, ${handled} events handled`,
  });
}

async function runChild(args: string[], postmasterPid: number | null): Promise<Measured> {
  const serverBefore = postmasterPid === null ? Number.NaN : processTreeCpuMs(postmasterPid);
  // The same Node flags (tsx's loader; --cpu-prof when profiling) for the child.
  const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, 'child', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`child ${args.join(' ')} exited with ${code}`);
  const measured = JSON.parse(out.trim().split('\n').at(-1)!) as Measured;
  const serverAfter = postmasterPid === null ? Number.NaN : processTreeCpuMs(postmasterPid);
  return { ...measured, serverCpuMs: serverAfter - serverBefore };
}

// ---------------------------------------------------------------------------
// Parent
// ---------------------------------------------------------------------------

/** The same events in Emmett's tables, as its append stores them: positions in Ledgerline's read order. */
async function copyIntoEmmett(pool: pg.Pool, url: string) {
  const { getPostgreSQLEventStore } = await import('@event-driven-io/emmett-postgresql');
  const store = getPostgreSQLEventStore(url, { schema: { autoMigration: 'CreateOrUpdate' } });
  await store.schema.migrate();
  await store.close();
  await pool.query(`
    INSERT INTO emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata)
    SELECT stream_id, version, 'emt:default', stream_type, '{}'::jsonb FROM streams;
    INSERT INTO emt_messages (stream_id, stream_position, partition, message_kind, message_data, message_metadata,
                              message_schema_version, message_type, message_id, global_position, transaction_id, created)
    SELECT stream_id, stream_version, 'emt:default', 'E', data,
           -- Emmett's read gives no time of its own: the handler takes occurredAt from here.
           metadata || jsonb_build_object('occurredAt', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           schema_version::text, event_type, gen_random_uuid()::text,
           row_number() OVER (ORDER BY transaction_id, global_position), pg_current_xact_id(), recorded_at
      FROM events;
    SELECT setval('emt_global_message_position', (SELECT max(global_position) FROM emt_messages));
    ANALYZE emt_messages;`);
}

async function checkLedgerline(pool: pg.Pool, total: number) {
  const { rows: checkpoints } = await pool.query<{ name: string; events_processed: string; behind: number }>(
    `SELECT c.name || ' v' || c.version || ' ' || c.slot AS name, c.events_processed::text,
            (SELECT count(*)::int FROM events e WHERE (e.transaction_id::text::bigint, e.global_position) > (c.transaction_id, c.global_position)
                AND e.stream_type <> $1) AS behind
       FROM projection_checkpoints c`,
    [OPERATIONS_STREAM_TYPE],
  );
  for (const c of checkpoints) {
    // Each rebuild also passed the operations log's events recorded before it
    // took over (the requests and take-overs of the rebuilds before it).
    if (Number(c.events_processed) < total || c.behind !== 0)
      throw new Error(
        `${c.name}: processed ${c.events_processed} of ${total}, ${c.behind} order events after its checkpoint`,
      );
  }
  // Independent sums over the events, in SQL, against the rebuilt rows.
  const { rows } = await pool.query<Record<string, string>>(`
    WITH e AS (SELECT event_type, data FROM events),
    placed AS (SELECT count(*) AS n, sum((data->>'total')::bigint) AS total FROM e WHERE event_type = 'OrderPlaced'),
    cancelled AS (SELECT count(*) AS n, sum((data->>'amount')::bigint) AS amount FROM e WHERE event_type = 'OrderCancelled'),
    adjusted AS (SELECT coalesce(sum((data->>'amountDelta')::bigint), 0) AS delta FROM e WHERE event_type = 'OrderPriceAdjusted'),
    shipped AS (SELECT count(*) AS n FROM e WHERE event_type = 'OrderShipped')
    SELECT
      (SELECT n FROM placed)::text AS placed,
      (SELECT count(*) FROM order_summaries_v1)::text AS summaries,
      ((SELECT total FROM placed) + (SELECT delta FROM adjusted) - (SELECT amount FROM cancelled))::text AS spent,
      (SELECT sum(total_spent) FROM customer_stats_v1)::text AS stats_spent,
      (SELECT sum(total) FILTER (WHERE status <> 'cancelled') FROM order_summaries_v1)::text AS summaries_spent,
      ((SELECT n FROM placed) - (SELECT n FROM cancelled))::text AS live_orders,
      (SELECT sum(total_orders) FROM customer_stats_v1)::text AS stats_orders,
      (SELECT sum(orders_placed) FROM order_metrics_minute_v1)::text AS metrics_placed,
      (SELECT sum(revenue) FROM order_metrics_minute_v1)::text AS metrics_revenue,
      (SELECT sum(orders_placed) FROM order_metrics_minute_v2)::text AS metrics_v2_placed,
      (SELECT sum(revenue) FROM order_metrics_minute_v2)::text AS metrics_v2_revenue,
      (SELECT n FROM cancelled)::text AS cancelled,
      (SELECT sum(orders) FROM order_cancel_reasons_v2)::text AS reasons_cancelled,
      (SELECT n FROM shipped)::text AS shipped,
      (SELECT orders FROM order_status_counts_v1 WHERE status = 'shipped')::text AS status_shipped`);
  const r = rows[0]!;
  const pairs: Array<[string, string]> = [
    ['placed', 'summaries'],
    ['placed', 'metrics_placed'],
    ['spent', 'stats_spent'],
    ['spent', 'summaries_spent'],
    ['spent', 'metrics_revenue'],
    ['placed', 'metrics_v2_placed'],
    ['spent', 'metrics_v2_revenue'],
    ['cancelled', 'reasons_cancelled'],
    ['live_orders', 'stats_orders'],
    ['shipped', 'status_shipped'],
  ];
  for (const [a, b] of pairs) if (r[a] !== r[b]) throw new Error(`after the rebuilds ${a} ${r[a]} ≠ ${b} ${r[b]}`);
  return `every checkpoint past all ${total} events; OrderPlaced ${r.placed} = order_summaries rows = minutes' orders_placed (v1, v2); net spent ${r.spent} = customer_stats = order_summaries = minutes' revenue (v1, v2); live orders ${r.live_orders} = customer_stats orders; cancelled ${r.cancelled} = v2's by reason; shipped ${r.shipped} = status count`;
}

function table(rows: Measured[]) {
  const header = [
    'contender',
    'events',
    's',
    'events/s',
    'peak RSS MB',
    'RSS at start MB',
    'batches',
    'Node CPU µs/event',
    'PostgreSQL CPU µs/event',
  ];
  const perEvent = (ms: number | undefined, events: number) =>
    ms === undefined || Number.isNaN(ms) ? '' : ((ms * 1000) / events).toFixed(1);
  const cells = rows.map((r) => [
    r.contender,
    r.events.toLocaleString('en-US'),
    (r.ms / 1000).toFixed(2),
    Math.round(r.events / (r.ms / 1000)).toLocaleString('en-US'),
    (r.peakRss / 2 ** 20).toFixed(0),
    (r.startRss / 2 ** 20).toFixed(0),
    String(r.batches ?? ''),
    perEvent(r.cpuMs, r.events),
    perEvent(r.serverCpuMs, r.events),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

async function main() {
  const body = async ({ url, server }: { url: string; server: BenchServer }) => {
    const pool = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 0 });
    pool.on('error', (error) => console.error('A pooled connection failed:', error.message));
    try {
      let started = performance.now();
      const counts: Record<string, number> = {};
      let written = 0;
      if (REUSE) {
        const { rows } = await pool.query<{ type: string; n: number }>(
          `SELECT event_type AS type, count(*)::int AS n FROM events WHERE stream_type = 'order' GROUP BY 1 ORDER BY 1`,
        );
        for (const { type, n } of rows) {
          counts[type] = n;
          written += n;
        }
      } else {
        written = await writeHistory(
          pool,
          generateHistory({ count: EVENTS, end: Date.now() - 60_000, days: DAYS, seed: SEED }),
          {
            chunkSize: WRITE_CHUNK,
            onChunk: (chunk) => {
              for (const e of chunk) counts[e.type] = (counts[e.type] ?? 0) + 1;
            },
          },
        );
      }
      const writtenMs = performance.now() - started;
      console.error(`Generated and wrote ${written} events in ${(writtenMs / 1000).toFixed(1)} s; rebuilding…`);
      const loadBefore = os.loadavg()[0]!;

      const results: Measured[] = [];
      for (const projection of PROJECTIONS) {
        const result = await runChild(['projection', url, projectionKey(projection)], server.postmasterPid);
        console.error(`${result.contender}: ${(result.ms / 1000).toFixed(1)} s`);
        results.push(result);
      }
      const check = await checkLedgerline(pool, written);
      results.push(await runChild(['cursor', url, 'all'], server.postmasterPid));
      results.push(await runChild(['cursor', url, 'projection'], server.postmasterPid));

      let emmettNote = 'Emmett skipped (BENCH_EMMETT=0)';
      if (REUSE)
        emmettNote = `Emmett skipped (BENCH_DATABASE: its tables were filled by the run that made the database)`;
      else if (RUN_EMMETT) {
        const { DEFAULT_CATCH_UP_BATCH_SIZE } = await import('../lib/projections/worker');
        const batchSize = intFromEnv('BENCH_EMMETT_BATCH', DEFAULT_CATCH_UP_BATCH_SIZE, { min: 1 });
        started = performance.now();
        await copyIntoEmmett(pool, url);
        const copyMs = performance.now() - started;
        await pool.query(`CREATE TABLE ${LEDGERLINE_COPY} AS SELECT * FROM customer_stats_v1`);
        const result = await runChild(['emmett', url, String(batchSize)], server.postmasterPid);
        results.push(result);
        // Emmett's rebuild ran Ledgerline's handler into the same tables: they must hold the same rows.
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ((SELECT * FROM ${LEDGERLINE_COPY} EXCEPT ALL SELECT * FROM customer_stats_v1)
               UNION ALL (SELECT * FROM customer_stats_v1 EXCEPT ALL SELECT * FROM ${LEDGERLINE_COPY})) d`,
        );
        if (rows[0]!.n !== 0) throw new Error(`Emmett's customer stats differ from Ledgerline's in ${rows[0]!.n} rows`);
        emmettNote =
          `Emmett: the events copied into emt_messages / emt_streams by one INSERT … SELECT (${(copyMs / 1000).toFixed(1)} s, not timed), ` +
          `read order = Ledgerline's; pulling batchSize ${batchSize}, pullingFrequencyInMs 0 (its default sleeps 50 ms after each full batch); ` +
          `${result.note}; its customer_stats rows = Ledgerline's, every row`;
      }

      const { rows: info } = await pool.query<{ version: string; size: string }>(
        `SELECT current_setting('server_version') AS version, pg_size_pretty(pg_total_relation_size('events')) AS size`,
      );
      console.log('bench:rebuild — each projection rebuilt from zero by the worker, the cursor limit and Emmett');
      console.log(
        `PostgreSQL ${info[0]!.version} (${server.kind}), ${os.cpus().length} cores, Node ${process.version}; ` +
          `events table ${info[0]!.size}; ` +
          Object.entries(counts)
            .map(([type, n]) => `${type} ${n}`)
            .join(', '),
      );
      console.log(
        REUSE
          ? `history: database ${REUSE}, kept by an earlier run (BENCH_DATABASE)`
          : `history written by bulk INSERT … SELECT (${WRITE_CHUNK} a statement) in ${(writtenMs / 1000).toFixed(1)} s`,
      );
      console.log(`check: ${check}`);
      console.log(emmettNote);
      console.log(
        'peak RSS: getrusage ru_maxrss of the child process that did the work (Node + tsx included; RSS at start shows that part)',
      );
      console.log(
        "CPU per event: the child process over the timed span, and the PostgreSQL server (all its processes) over the child's whole run; " +
          'unlike events/s, these do not depend on what else the (shared) machine runs',
      );
      console.log('');
      table(results);
      console.log(
        `\nload average (1 min) before / after: ${loadBefore.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores (shared)`,
      );
    } finally {
      await pool.end();
    }
  };
  if (!REUSE) {
    await withBenchDatabase('ledgerline_bench_rebuild', body, { keep: KEEP, preparing: 'migrations, seed' });
    return;
  }
  const server = await startBenchServer();
  try {
    await body({ url: databaseUrl(server.adminUrl, REUSE), server });
  } finally {
    await server.stop();
  }
}

if (process.argv[2] === 'child') {
  const [mode, url, arg] = process.argv.slice(3) as [string, string, string | undefined];
  if (mode === 'projection') await childProjection(url, arg!);
  else if (mode === 'cursor') await childCursor(url, arg === 'all' ? 'all' : 'projection');
  else if (mode === 'emmett') await childEmmett(url, Number(arg));
  else throw new Error(`unknown child mode ${mode}`);
  process.exit(0);
} else {
  await main();
}
