/**
 * Append throughput: Ledgerline's event store against Emmett and a plain INSERT.
 *
 *   npm run bench:append                 (10 s per measurement)
 *   BENCH_SECONDS=5 npm run bench:append
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg),
 * BENCH_SECONDS (default 10), BENCH_WARMUP_SECONDS (default 2).
 *
 * Workload: one event an append, with an expected version; every writer owns
 * one stream and appends to it sequentially, at 1 and at 32 concurrent writers.
 * A fresh database is created for the run and dropped at the end, so runs never
 * see each other's data (index sizes, bloat) and nothing is left behind.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { startEmbeddedPostgres } from '../lib/db/embedded';
import { prepareDatabase } from '../lib/db/prepare';
import { createEventStore } from '../lib/event-store';

const MEASURE_SECONDS = positiveNumber('BENCH_SECONDS', 10);
const WARMUP_SECONDS = positiveNumber('BENCH_WARMUP_SECONDS', 2);
const WRITER_COUNTS = [1, 32] as const;
/** One pool size for all three contenders, so none of them gets more connections. */
const POOL_SIZE = 32;
const PLAIN_TABLE = 'bench_plain_events';
const TARGETS = { vsEmmett: 2, vsPlain: 0.7 };

let stopRequested = false;

// ---------------------------------------------------------------------------
// The event every contender writes
// ---------------------------------------------------------------------------

const SKUS = ['SKU-0007', 'SKU-0019', 'SKU-0042', 'SKU-0051'];

/** An OrderPlaced-like event; its data serialises to about 300 bytes. */
function orderPlaced() {
  const lines = [0, 1, 2].map((i) => ({ sku: SKUS[i]!, quantity: 1 + i, unitPrice: 1999 + i * 1250 }));
  const data = {
    orderId: randomUUID(),
    customerId: randomUUID(),
    currency: 'EUR',
    lines,
    total: lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0),
  };
  const metadata = {
    commandId: randomUUID(),
    correlationId: randomUUID(),
    actor: { id: 'user-0042', name: 'Bench Writer' },
  };
  return { type: 'OrderPlaced', data, metadata };
}

// ---------------------------------------------------------------------------
// Contenders: each makes a writer that appends the next event of one stream
// ---------------------------------------------------------------------------

/** Appends one event to the writer's stream, expecting the version it last saw. */
type Append = () => Promise<void>;

type Contender = {
  name: string;
  newWriter(streamId: string): Append;
  /** The number of events stored for each stream, read back after a run. */
  storedCounts(streamIds: string[]): Promise<Map<string, number>>;
};

function ledgerline(pool: pg.Pool): Contender {
  const store = createEventStore(pool);
  return {
    name: 'Ledgerline',
    newWriter(streamId) {
      let version = 0;
      return async () => {
        const result = await store.append(streamId, [orderPlaced()], { expectedVersion: version, streamType: 'bench' });
        version = result.version;
      };
    },
    // The stream row's version and the event rows must agree; both are checked.
    async storedCounts(streamIds) {
      const { rows } = await pool.query<{ stream_id: string; version: number; events: number; max_version: number }>(
        `SELECT s.stream_id, s.version, count(e.*)::int AS events, coalesce(max(e.stream_version), 0) AS max_version
           FROM streams s LEFT JOIN events e USING (stream_id)
          WHERE s.stream_id = ANY($1) GROUP BY s.stream_id, s.version`,
        [streamIds],
      );
      return new Map(rows.map((r) => [r.stream_id, r.version === r.events && r.version === r.max_version ? r.version : -1]));
    },
  };
}

function emmett(store: PostgresEventStore, pool: pg.Pool): Contender {
  return {
    name: 'Emmett 0.42',
    newWriter(streamId) {
      // Emmett numbers stream versions as bigint; 0n means "the stream must not exist yet".
      let version = 0n;
      return async () => {
        const result = await store.appendToStream(streamId, [orderPlaced()], { expectedStreamVersion: version });
        version = result.nextExpectedStreamVersion;
      };
    },
    async storedCounts(streamIds) {
      const { rows } = await pool.query<{ stream_id: string; events: number }>(
        `SELECT s.stream_id, CASE WHEN s.stream_position = count(m.*) THEN count(m.*)::int ELSE -1 END AS events
           FROM emt_streams s LEFT JOIN emt_messages m USING (stream_id)
          WHERE s.stream_id = ANY($1) GROUP BY s.stream_id, s.stream_position`,
        [streamIds],
      );
      return new Map(rows.map((r) => [r.stream_id, r.events]));
    },
  };
}

/** The floor: one autocommitted INSERT of the same row shape, no version check, no hashing. */
function plainInsert(pool: pg.Pool): Contender {
  const placeholderHash = 'f'.repeat(64);
  return {
    name: 'plain INSERT',
    newWriter(streamId) {
      let version = 0;
      return async () => {
        const event = orderPlaced();
        version++;
        await pool.query(
          `INSERT INTO ${PLAIN_TABLE} (stream_id, stream_type, stream_version, event_type, schema_version,
                                       data, metadata, occurred_at, prev_hash, hash)
           VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9)`,
          [streamId, 'bench', version, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata),
            new Date(), placeholderHash, placeholderHash],
        );
      };
    },
    async storedCounts(streamIds) {
      const { rows } = await pool.query<{ stream_id: string; events: number }>(
        `SELECT stream_id, count(*)::int AS events FROM ${PLAIN_TABLE} WHERE stream_id = ANY($1) GROUP BY stream_id`,
        [streamIds],
      );
      return new Map(rows.map((r) => [r.stream_id, r.events]));
    },
  };
}

/** Same columns as `events` (see the init migration) minus its defaults that a plain table would not have. */
async function createPlainTable(pool: pg.Pool) {
  await pool.query(`
    CREATE TABLE ${PLAIN_TABLE} (
      global_position bigserial PRIMARY KEY,
      stream_id text NOT NULL,
      stream_type text NOT NULL,
      stream_version integer NOT NULL,
      event_type text NOT NULL,
      schema_version integer NOT NULL DEFAULT 1,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL DEFAULT '{}',
      occurred_at timestamptz(6) NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL
    )`);
}

// ---------------------------------------------------------------------------
// Running and measuring
// ---------------------------------------------------------------------------

type Phase = {
  streamIds: string[];
  /** Appends each writer completed, by writer. */
  completed: number[];
  latenciesMs: Float64Array;
  seconds: number;
};

/**
 * Runs `writers` concurrent writers for `seconds`. A writer starts an append
 * only before the deadline, so the last appends finish slightly after it; the
 * rate therefore divides by the real elapsed time, not the nominal one.
 */
async function runPhase(contender: Contender, writers: number, seconds: number, tag: string): Promise<Phase> {
  const streamIds = Array.from({ length: writers }, (_, w) => `bench-${tag}-${w}`);
  const completed = new Array<number>(writers).fill(0);
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    streamIds.map(async (streamId, w) => {
      const append = contender.newWriter(streamId);
      while (performance.now() < deadline && !stopRequested) {
        const t0 = process.hrtime.bigint();
        await append();
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        completed[w]!++;
      }
    }),
  );
  return { streamIds, completed, latenciesMs: Float64Array.from(latencies), seconds: (performance.now() - started) / 1000 };
}

/** A benchmark that loses or duplicates events is worthless: every stream must hold exactly what its writer appended. */
async function verify(contender: Contender, phase: Phase) {
  const stored = await contender.storedCounts(phase.streamIds);
  const wrong = phase.streamIds.filter((id, w) => (stored.get(id) ?? 0) !== phase.completed[w]);
  if (wrong.length > 0) {
    const detail = wrong.slice(0, 3).map((id) => `${id}: stored ${stored.get(id) ?? 0}, appended ${phase.completed[phase.streamIds.indexOf(id)]}`);
    throw new Error(`${contender.name}: ${wrong.length} stream(s) do not match their writer. ${detail.join('; ')}`);
  }
}

type Row = { contender: string; writers: number; events: number; eventsPerSecond: number; p50: number; p99: number };

function summarise(contender: Contender, writers: number, phase: Phase): Row {
  const sorted = phase.latenciesMs.slice().sort();
  const events = phase.completed.reduce((a, b) => a + b, 0);
  return { contender: contender.name, writers, events, eventsPerSecond: events / phase.seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function benchmark(contender: Contender, runId: string, slug: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const writers of WRITER_COUNTS) {
    if (stopRequested) break;
    // Warm-up: connections opened, plans and caches hot, autovacuum's first look taken.
    const warm = await runPhase(contender, writers, WARMUP_SECONDS, `${runId}.${slug}.w${writers}.warm`);
    await verify(contender, warm);
    const phase = await runPhase(contender, writers, MEASURE_SECONDS, `${runId}.${slug}.w${writers}`);
    await verify(contender, phase);
    const row = summarise(contender, writers, phase);
    console.error(`  ${row.contender} × ${writers}: ${Math.round(row.eventsPerSecond)} events/s (streams verified)`);
    rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

function printReport(rows: Row[], machine: string[]) {
  const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  console.log(`\n## Append benchmark: one event an append, expected version, ${MEASURE_SECONDS} s per row (after ${WARMUP_SECONDS} s warm-up)\n`);
  for (const line of machine) console.log(`- ${line}`);
  console.log('\n| contender | writers | events | events/s | p50 ms | p99 ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.contender} | ${r.writers} | ${r.events} | ${fmt(r.eventsPerSecond, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} |`);
  }
  const at32 = (name: string) => rows.find((r) => r.contender === name && r.writers === 32);
  const ll = at32('Ledgerline');
  const em = at32('Emmett 0.42');
  const plain = at32('plain INSERT');
  if (!ll || !em || !plain) return console.log('\n(run incomplete: no ratios)');
  const verdict = (ok: boolean) => (ok ? 'MET' : 'MISS');
  const vsEmmett = ll.eventsPerSecond / em.eventsPerSecond;
  const vsPlain = ll.eventsPerSecond / plain.eventsPerSecond;
  console.log('\n| at 32 writers | ratio | target | result |');
  console.log('|---|---:|---:|---|');
  console.log(`| Ledgerline / Emmett | ${fmt(vsEmmett, 2)}× | ≥ ${TARGETS.vsEmmett}× | ${verdict(vsEmmett >= TARGETS.vsEmmett)} |`);
  console.log(`| Ledgerline / plain INSERT | ${fmt(vsPlain * 100, 0)}% | ≥ ${TARGETS.vsPlain * 100}% | ${verdict(vsPlain >= TARGETS.vsPlain)} |`);
}

async function describeMachine(pool: pg.Pool, serverKind: string) {
  const { rows } = await pool.query<{ version: string; sync: string; fsync: string; shared_buffers: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync,
            current_setting('fsync') AS fsync, current_setting('shared_buffers') AS shared_buffers`,
  );
  const s = rows[0]!;
  return [
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
    `node ${process.version}; PostgreSQL ${s.version} (${serverKind}; synchronous_commit=${s.sync}, fsync=${s.fsync}, shared_buffers=${s.shared_buffers}); client and server on the same machine`,
    `pool: one pg.Pool of max ${POOL_SIZE} shared by all three (Emmett gets it via connectionOptions.pool)`,
    'Ledgerline: 1 statement (ll_append, autocommit); Emmett: BEGIN + emt_append_to_stream + COMMIT; plain: 1 autocommitted INSERT',
  ];
}

// ---------------------------------------------------------------------------
// Database lifecycle
// ---------------------------------------------------------------------------

type Server = { adminUrl: string; kind: string; stop: () => Promise<void> };

/** DATABASE_URL's server when set, else an embedded one kept apart from the app's data. */
async function startServer(): Promise<Server> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, kind: 'DATABASE_URL', stop: async () => {} };
  const db = await startEmbeddedPostgres({
    dataDir: '.data/bench/pg',
    database: 'postgres',
    log: process.env.LEDGERLINE_DEBUG_DB ? (line) => console.error(`[postgres] ${line}`) : undefined,
  });
  return { adminUrl: db.url, kind: 'embedded', stop: db.stop };
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, database: string) {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

// ---------------------------------------------------------------------------

async function main() {
  process.once('SIGINT', () => {
    console.error('\nStopping after the current phase; the bench database is still dropped.');
    stopRequested = true;
  });
  const runId = Date.now().toString(36);
  const database = `ledgerline_bench_${Date.now()}`;
  const server = await startServer();
  let created = false;
  try {
    await withAdmin(server.adminUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`));
    created = true;
    const url = databaseUrl(server.adminUrl, database);
    console.error(`Preparing ${database} (migrations, seed, Emmett schema)…`);
    await prepareDatabase(url);

    // idleTimeoutMillis 0: the 1-writer runs leave 31 connections idle for
    // longer than pg's default 10 s, and reconnecting mid-run would be measured.
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, idleTimeoutMillis: 0 });
    try {
      await createPlainTable(pool);
      // Created before any contender runs: Emmett's driver (dumbo) installs
      // global pg type parsers (int8 → BigInt), and all runs should parse alike.
      const emmettStore = getPostgreSQLEventStore(url, {
        schema: { autoMigration: 'CreateOrUpdate' },
        connectionOptions: { pool },
      });
      await emmettStore.schema.migrate();

      const machine = await describeMachine(pool, server.kind);
      const contenders: Array<[Contender, string]> = [
        [ledgerline(pool), 'll'],
        [emmett(emmettStore, pool), 'emt'],
        [plainInsert(pool), 'plain'],
      ];
      const rows: Row[] = [];
      for (const [contender, slug] of contenders) {
        console.error(`Running ${contender.name}…`);
        rows.push(...(await benchmark(contender, runId, slug)));
      }
      await emmettStore.close(); // a no-op for a pool it was given; ours is ended below
      printReport(rows, machine);
    } finally {
      await pool.end();
    }
  } finally {
    if (created) {
      await withAdmin(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`)).catch(
        (error: unknown) => console.error(`Could not drop ${database}:`, error),
      );
    }
    await server.stop();
  }
}

function positiveNumber(name: string, fallback: number) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of seconds, got "${raw}"`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
