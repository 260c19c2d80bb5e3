/**
 * Append throughput: Ledgerline's event store against Emmett and a plain INSERT.
 *
 *   npm run bench:append                 (10 s per measurement)
 *   BENCH_SECONDS=5 npm run bench:append
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg),
 * BENCH_SECONDS (default 10, per contender and writer count), BENCH_WARMUP_SECONDS
 * (default 2), BENCH_ROUNDS (default 5: slices the measurement is interleaved in).
 *
 * Workload: one event an append, with an expected version; every writer owns
 * one stream and appends to it sequentially, at 1 and at 32 concurrent writers.
 * A fresh database is created for the run and dropped at the end, so runs never
 * see each other's data (index sizes, bloat) and nothing is left behind.
 */
import { intFromEnv } from '../lib/config/env';
import { EVENT_SCHEMAS } from '../lib/event-schemas';
import { withBenchDatabase } from './support';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { createEventStore } from '../lib/event-store';

const MEASURE_SECONDS = intFromEnv('BENCH_SECONDS', 10, { min: 1 });
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 2, { min: 1 });
/** Each measurement is split into this many slices, interleaved between contenders (see benchmarkAll). */
const ROUNDS = intFromEnv('BENCH_ROUNDS', 5, { min: 1 });
const WRITER_COUNTS = [1, 32] as const;
/** One pool size for all three contenders, so none of them gets more connections. */
const POOL_SIZE = 32;
const PLAIN_TABLE = 'bench_plain_events';
const TARGETS = { vsEmmett: 2, vsPlain: 0.7 };

let stopRequested = false;

// ---------------------------------------------------------------------------
// The event every contender writes
// ---------------------------------------------------------------------------

const SKUS = ['SKU-0007', 'SKU-0019', 'SKU-0042'];

/** An OrderPlaced-like event; its data serialises to about 300 bytes. */
function orderPlaced() {
  const lines = SKUS.map((sku, i) => ({ sku, quantity: 1 + i, unitPrice: 1999 + i * 1250 }));
  const data = {
    orderId: randomUUID(),
    customerId: randomUUID(),
    channel: 'web',
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
  const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
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
      return new Map(
        rows.map((r) => [r.stream_id, r.version === r.events && r.version === r.max_version ? r.version : -1]),
      );
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
          [
            streamId,
            'bench',
            version,
            event.type,
            JSON.stringify(event.data),
            JSON.stringify(event.metadata),
            new Date(),
            placeholderHash,
            placeholderHash,
          ],
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

/** The columns an append writes into `events` (see the init migration), with a bigserial key and no other index. */
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
  latenciesMs: number[];
  seconds: number;
  /** CPU time this Node process spent (client side: driver, JSON, the store's own code). */
  clientCpuMicros: number;
};

/**
 * Runs `writers` concurrent writers for `seconds`. A writer starts an append
 * only before the deadline, so the last appends finish slightly after it; the
 * rate therefore divides by the real elapsed time, not the nominal one.
 */
async function runPhase(contender: Contender, writers: number, seconds: number, tag: string): Promise<Phase> {
  const streamIds = Array.from({ length: writers }, (_, w) => `bench-${tag}-${w}`);
  const completed = new Array<number>(writers).fill(0);
  const latenciesMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    streamIds.map(async (streamId, w) => {
      const append = contender.newWriter(streamId);
      while (performance.now() < deadline && !stopRequested) {
        const t0 = process.hrtime.bigint();
        await append();
        latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        completed[w]!++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { streamIds, completed, latenciesMs, seconds: elapsed, clientCpuMicros: cpu.user + cpu.system };
}

/** A benchmark that loses or duplicates events is worthless: every stream must hold exactly what its writer appended. */
async function verify(contender: Contender, phase: Phase) {
  const stored = await contender.storedCounts(phase.streamIds);
  const wrong = phase.streamIds.filter((id, w) => (stored.get(id) ?? 0) !== phase.completed[w]);
  if (wrong.length > 0) {
    const detail = wrong
      .slice(0, 3)
      .map((id) => `${id}: stored ${stored.get(id) ?? 0}, appended ${phase.completed[phase.streamIds.indexOf(id)]}`);
    throw new Error(`${contender.name}: ${wrong.length} stream(s) do not match their writer. ${detail.join('; ')}`);
  }
}

type Row = {
  contender: string;
  writers: number;
  events: number;
  eventsPerSecond: number;
  /** The slowest and fastest slice, to show how steady the machine was. */
  sliceRange: [number, number];
  p50: number;
  p99: number;
  clientCpuPerEvent: number;
};

function summarise(contender: Contender, writers: number, slices: Phase[]): Row {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const eventsOf = (phase: Phase) => sum(phase.completed);
  const events = sum(slices.map(eventsOf));
  const rates = slices.map((phase) => eventsOf(phase) / phase.seconds);
  const sorted = Float64Array.from(slices.flatMap((phase) => phase.latenciesMs)).sort();
  return {
    contender: contender.name,
    writers,
    events,
    eventsPerSecond: events / sum(slices.map((phase) => phase.seconds)),
    sliceRange: [Math.min(...rates), Math.max(...rates)],
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    clientCpuPerEvent: sum(slices.map((phase) => phase.clientCpuMicros)) / events,
  };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * For each writer count: warm every contender up, then measure them in
 * interleaved slices (A B C A B C …) that add up to MEASURE_SECONDS each.
 * Interleaving matters on a shared machine: a burst of load from a neighbour
 * (or a checkpoint) then hits all three alike instead of whoever ran at that
 * moment, so the ratios stay meaningful even when the absolute rates move.
 */
async function benchmarkAll(contenders: Array<{ contender: Contender; slug: string }>, runId: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const writers of WRITER_COUNTS) {
    for (const { contender, slug } of contenders) {
      if (stopRequested) return rows;
      // Warm-up: connections opened, plans and caches hot.
      await verify(contender, await runPhase(contender, writers, WARMUP_SECONDS, `${runId}.${slug}.w${writers}.warm`));
    }
    const slices = new Map<Contender, Phase[]>(contenders.map(({ contender }) => [contender, []]));
    for (let round = 1; round <= ROUNDS && !stopRequested; round++) {
      for (const { contender, slug } of contenders) {
        const phase = await runPhase(
          contender,
          writers,
          MEASURE_SECONDS / ROUNDS,
          `${runId}.${slug}.w${writers}.r${round}`,
        );
        await verify(contender, phase);
        slices.get(contender)!.push(phase);
      }
    }
    for (const { contender } of contenders) {
      const measured = slices.get(contender)!;
      if (measured.length === 0) continue;
      const row = summarise(contender, writers, measured);
      console.error(
        `  ${row.contender} × ${writers}: ${Math.round(row.eventsPerSecond)} events/s (all streams verified)`,
      );
      rows.push(row);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

function printReport(rows: Row[], machine: string[]) {
  const fmt = (n: number, digits: number) =>
    n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  console.log(
    `\n## Append benchmark: one event an append with an expected version; ${MEASURE_SECONDS} s per row ` +
      `in ${ROUNDS} interleaved slices, after ${WARMUP_SECONDS} s warm-up\n`,
  );
  for (const line of machine) console.log(`- ${line}`);
  console.log(
    '\n| contender | writers | events | events/s | slowest–fastest slice | p50 ms | p99 ms | client CPU µs/event |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const range = `${fmt(r.sliceRange[0], 0)}–${fmt(r.sliceRange[1], 0)}`;
    console.log(
      `| ${r.contender} | ${r.writers} | ${r.events} | ${fmt(r.eventsPerSecond, 0)} | ${range} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.clientCpuPerEvent, 0)} |`,
    );
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
  console.log(
    `| Ledgerline / Emmett | ${fmt(vsEmmett, 2)}× | ≥ ${TARGETS.vsEmmett}× | ${verdict(vsEmmett >= TARGETS.vsEmmett)} |`,
  );
  console.log(
    `| Ledgerline / plain INSERT | ${fmt(vsPlain * 100, 0)}% | ≥ ${TARGETS.vsPlain * 100}% | ${verdict(vsPlain >= TARGETS.vsPlain)} |`,
  );
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
    'Ledgerline: 1 named statement (compare-and-set + insert, autocommit); Emmett: BEGIN + emt_append_to_stream + COMMIT; plain: 1 autocommitted INSERT',
  ];
}

// ---------------------------------------------------------------------------
// Database lifecycle
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------

async function main() {
  process.once('SIGINT', () => {
    console.error('\nStopping after the current phase; the bench database is still dropped.');
    stopRequested = true;
  });
  const runId = Date.now().toString(36);
  await withBenchDatabase(
    'ledgerline_bench',
    async ({ url, server }) => {
      // idleTimeoutMillis 0: the 1-writer runs leave 31 connections idle for
      // longer than pg's default 10 s, and reconnecting mid-run would be measured.
      const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, idleTimeoutMillis: 0 });
      // An idle connection that dies (server restart) must fail the run, not crash it before cleanup.
      pool.on('error', (error) => {
        console.error('A pooled connection failed:', error.message);
        stopRequested = true;
      });
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
        const loadBefore = os.loadavg()[0]!;
        console.error(
          `Measuring (${WRITER_COUNTS.length} writer counts × 3 contenders × ${MEASURE_SECONDS} s, in ${ROUNDS} interleaved slices)…`,
        );
        const rows = await benchmarkAll(
          [
            { contender: ledgerline(pool), slug: 'll' },
            { contender: emmett(emmettStore, pool), slug: 'emt' },
            { contender: plainInsert(pool), slug: 'plain' },
          ],
          runId,
        );
        machine.push(
          `load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)} (other processes share these cores)`,
        );
        await emmettStore.close(); // a no-op for a pool it was given; ours is ended below
        printReport(rows, machine);
      } finally {
        await pool.end();
      }
    },
    { preparing: 'migrations, seed, Emmett schema' },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
