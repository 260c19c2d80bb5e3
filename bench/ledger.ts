/**
 * The ledger: does the tree keep up with 32 writers, how fast does the
 * standalone verifier check a million events, and what do proofs cost.
 *
 *   npm run bench:ledger
 *   BENCH_SECONDS=10 BENCH_EVENTS=200000 npm run bench:ledger
 *
 * Env: DATABASE_URL (else an embedded PostgreSQL under .data/bench/pg),
 * BENCH_SECONDS (default 20: how long the 32 writers write), BENCH_EVENTS
 * (default 1,000,000: events seeded for the verification), BENCH_PROOFS
 * (default 500: proofs timed of each kind), BENCH_SEED, BENCH_PART
 * (`keeping-up` or `verify`: one part only; default both), BENCH_KEEP=1 (keep
 * the verification's database and heads, and print the verifier's command).
 *
 * 1. Keeping up: 32 writers append one event at a time, each to its own
 *    stream, as in bench:append, while the ledger runs in a worker process of
 *    its own (the projection worker with the ledger only, the settings of
 *    server.ts but no projections). Once a second: the events, the tree's size
 *    and the newest head's, so the lag is seen over time, not only at the end.
 * 2. Verifying: BENCH_EVENTS events are seeded with one INSERT … SELECT per
 *    batch (streams of 10 events with valid hash chains, OrderPlaced-sized
 *    data), the worker builds the tree over them and signs a head, then the
 *    verifier (verifier/ledger-verify.mjs, the auditor's program) checks them
 *    with one binary COPY per thread: its own events/s and the whole run's wall time.
 * 3. Proofs: inclusion proofs of random events in the newest head, and
 *    consistency proofs between random tree sizes, through the code behind
 *    the API: hashes per proof, bytes, and time per proof.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { intFromEnv } from '../lib/config/env';
import { seededRandom } from '../tests/support/random';
import { withBenchDatabase } from './support';

// Next.js resolves `server-only` to a no-op on the server (react-server condition); so does this bench.
const emptyModule = pathToFileURL(path.resolve('node_modules/server-only/empty.js')).href;
register(
  'data:text/javascript,' +
    encodeURIComponent(
      `export async function resolve(s, c, n) { return s === 'server-only' ? { url: ${JSON.stringify(emptyModule)}, shortCircuit: true } : n(s, c); }`,
    ),
);

const WRITE_SECONDS = intFromEnv('BENCH_SECONDS', 20, { min: 1 });
const EVENTS = intFromEnv('BENCH_EVENTS', 1_000_000, { min: 1_000 });
const PROOFS = intFromEnv('BENCH_PROOFS', 500, { min: 1 });
const WRITERS = 32;
const TARGET_VERIFY_PER_SECOND = 200_000;
const PART = process.env.BENCH_PART ?? 'all';
const KEEP = process.env.BENCH_KEEP === '1';
if (!['all', 'keeping-up', 'verify'].includes(PART)) throw new Error('BENCH_PART is keeping-up or verify');

// ---------------------------------------------------------------------------
// The worker process: `tsx bench/ledger.ts --child <url> <keyFile> <exportDir>`

async function child(url: string, keyFile: string, exportDir: string) {
  const { startProjectionWorker } = await import('../lib/projections/worker');
  const worker = startProjectionWorker({
    connectionString: url,
    projections: [],
    ledger: { keyFile, generateKey: false, exportDir, headIntervalMs: 2_000 },
    log: (line) => console.error(`[worker] ${line.split('\n')[0]}`),
  });
  process.on('SIGTERM', () => void worker.stop().then(() => process.exit(0)));
}

// ---------------------------------------------------------------------------

type Ledger = { dir: string; keyFile: string; publicKeyFile: string; exportDir: string };

function newLedger(): Ledger {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ledgerline-bench-ledger-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyFile = path.join(dir, 'key.pem');
  const publicKeyFile = path.join(dir, 'public.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { dir, keyFile, publicKeyFile, exportDir: path.join(dir, 'heads') };
}

function startWorker(url: string, ledger: Ledger): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/ledger.ts', '--child', url, ledger.keyFile, ledger.exportDir],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

async function stopWorker(worker: ChildProcess) {
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM');
  await exited;
}

type Sample = { events: number; tree: number; head: number };

async function sample(pool: pg.Pool): Promise<Sample> {
  const { rows } = await pool.query<{ events: string; tree: string; head: string | null }>(
    `SELECT (SELECT count(*) FROM events)::text AS events,
            (SELECT tree_size FROM ledger_state WHERE id = 1)::text AS tree,
            (SELECT max(tree_size) FROM ledger_heads)::text AS head`,
  );
  return { events: Number(rows[0]!.events), tree: Number(rows[0]!.tree), head: Number(rows[0]!.head ?? 0) };
}

async function waitUntil(pool: pg.Pool, done: (s: Sample) => boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (done(await sample(pool))) return performance.now() - started;
    await sleep(50);
  }
  throw new Error('the ledger did not get there in time');
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

// ---------------------------------------------------------------------------
// 1. Keeping up with 32 writers

async function keepingUp(url: string) {
  const { createEventStore } = await import('../lib/event-store');
  const { EVENT_SCHEMAS } = await import('../lib/event-schemas');
  const ledger = newLedger();
  const pool = new pg.Pool({ connectionString: url, max: WRITERS + 2 });
  const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
  const worker = startWorker(url, ledger);
  try {
    // The worker is up when it has registered its key.
    for (let i = 0; i < 200 && (await pool.query('SELECT 1 FROM ledger_keys')).rowCount === 0; i++) await sleep(50);

    let writing = true;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      const streamId = `bench-ledger-${w}-${Date.now()}`;
      let version = 0;
      while (writing) {
        await store.append(
          streamId,
          [
            {
              type: 'OrderPlaced',
              data: { writer: w, n: version, lines: [{ sku: 'SKU-0007', quantity: 2, unitPrice: 1999 }] },
              metadata: { actor: { id: 'bench', name: 'Bench Writer' } },
            },
          ],
          { expectedVersion: version, streamType: 'order' },
        );
        version++;
      }
    });
    const samples: Array<Sample & { t: number }> = [];
    const started = performance.now();
    for (let t = 1; t <= WRITE_SECONDS; t++) {
      await sleep(started + t * 1000 - performance.now());
      const s = await sample(pool);
      samples.push({ ...s, t });
    }
    writing = false;
    await Promise.all(writers);
    const total = await sample(pool);
    const treeCatchUpMs = await waitUntil(pool, (s) => s.tree >= total.events, 60_000);
    const headCatchUpMs = await waitUntil(pool, (s) => s.head >= total.events, 60_000);

    console.log(`\n## 1. Keeping up with ${WRITERS} writers (${WRITE_SECONDS} s, one event an append)\n`);
    console.log(
      '| t (s) | events | appended in the second | tree size | tree lag (events) | newest head | head lag (events) |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    let last = 0;
    for (const s of samples) {
      console.log(
        `| ${s.t} | ${n(s.events)} | ${n(s.events - last)} | ${n(s.tree)} | ${n(s.events - s.tree)} | ${n(s.head)} | ${n(s.events - s.head)} |`,
      );
      last = s.events;
    }
    const lags = samples.map((s) => s.events - s.tree);
    const headLags = samples.map((s) => s.events - s.head);
    const rate = (total.events - (samples[0]?.events ?? 0)) / Math.max(1, samples.length - 1);
    console.log(
      `\nAppend rate ≈ ${n(rate)} events/s. Tree lag: max ${n(Math.max(...lags))} events, ` +
        `last ${n(lags.at(-1) ?? 0)}; head lag: max ${n(Math.max(...headLags))} events (a head every 2 s by default). ` +
        `After the writers stopped: tree complete in ${n(treeCatchUpMs)} ms, a head over everything in ${n(headCatchUpMs)} ms.`,
    );
    return { maxTreeLag: Math.max(...lags), lastTreeLag: lags.at(-1) ?? 0, rate };
  } finally {
    await stopWorker(worker);
    await pool.end();
    rmSync(ledger.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// 2. Verifying a million events

/**
 * Seeds `total` events as streams of 10, one INSERT … SELECT per batch of
 * streams. The hash chains are real (ll_event_hash, the append's own
 * function), built version by version in a recursive query.
 */
async function seed(pool: pg.Pool, total: number) {
  const PER_STREAM = 10;
  const STREAMS_PER_BATCH = 10_000;
  const streams = Math.ceil(total / PER_STREAM);
  for (let first = 0; first < streams; first += STREAMS_PER_BATCH) {
    const count = Math.min(STREAMS_PER_BATCH, streams - first);
    await pool.query(SEED_SQL, [first + 1, first + count, PER_STREAM]);
  }
  await pool.query(
    `INSERT INTO streams (stream_id, stream_type, version, head_hash, prev_head_hash)
     SELECT e.stream_id, 'order', e.stream_version, e.hash, e.prev_hash FROM events e
      WHERE e.stream_id LIKE 'order-seed-%' AND e.stream_version = $1`,
    [PER_STREAM],
  );
  await pool.query('VACUUM ANALYZE events');
}

const DATA = (s: string, v: string) =>
  `jsonb_build_object('orderId', md5(${s}::text), 'customerId', md5((${s} * 7)::text), 'currency', 'EUR',
     'lines', jsonb_build_array(jsonb_build_object('sku', 'SKU-0007', 'quantity', 1 + ${v} % 3, 'unitPrice', 1999),
                                jsonb_build_object('sku', 'SKU-0019', 'quantity', 2, 'unitPrice', 3249)),
     'total', 1999 + ${v} * 100, 'version', ${v})`;
const META = (s: string) =>
  `jsonb_build_object('actor', jsonb_build_object('id', 'user-0042', 'name', 'Bench Writer'),
     'commandId', md5((${s} * 13)::text), 'correlationId', md5((${s} * 17)::text))`;
const OCCURRED = (s: string, v: string) => `timestamptz '2026-01-01T00:00:00Z' + (${s} * 10 + ${v}) * interval '1 ms'`;

const SEED_SQL = `
WITH RECURSIVE chain AS (
  SELECT s, 1 AS v, 'OrderPlaced'::text AS t,
         ll_event_hash(repeat('0', 64), 'order-seed-' || s, 1, 'OrderPlaced', 1, ${DATA('s', '1')}, ${META('s')}, ${OCCURRED('s', '1')}) AS hash,
         repeat('0', 64) AS prev
    FROM generate_series($1::int, $2::int) AS s
  UNION ALL
  SELECT s, v + 1, 'OrderPriceAdjusted'::text,
         ll_event_hash(hash, 'order-seed-' || s, v + 1, 'OrderPriceAdjusted', 1, ${DATA('s', 'v + 1')}, ${META('s')}, ${OCCURRED('s', 'v + 1')}),
         hash
    FROM chain WHERE v < $3
)
INSERT INTO events (stream_id, stream_type, stream_version, event_type, schema_version, data, metadata,
                    occurred_at, prev_hash, hash)
SELECT 'order-seed-' || s, 'order', v, t, 1, ${DATA('s', 'v')}, ${META('s')}, ${OCCURRED('s', 'v')}, prev, hash
  FROM chain ORDER BY s, v`;

function runVerifier(ledger: Ledger, url: string): Promise<{ code: number; output: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        'verifier/ledger-verify.mjs',
        '--heads',
        ledger.exportDir,
        '--public-key',
        ledger.publicKeyFile,
        '--database-url',
        url,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          output: `${stdout}${stderr}`,
          ms: performance.now() - started,
        }),
    );
  });
}

/**
 * What no verifier on this machine can beat: PostgreSQL producing the leaf
 * fields of every event in tree order, split in two halves on two connections
 * as the verifier splits them over its threads, written to /dev/null by the
 * server itself. `binary`: as the verifier reads them (its REPLAY_SELECT:
 * the times and JSON in binary, which it writes out itself, the rest cast to
 * text); else all as text, as the app's ledger reads them (LEAF_COLUMNS), with
 * to_char for the times. Sorts off, as in the verifier, so that each half
 * streams from the index. Needs a superuser (the embedded server's); events/s,
 * or NaN where COPY TO a file is not allowed.
 */
async function databaseLimit(pool: pg.Pool, events: number, binary: boolean): Promise<number> {
  const { LEAF_COLUMNS, LEAF_FIELDS } = await import('../lib/ledger/leaf');
  const asRead = (field: string) => (/_at$|^data$|^metadata$/.test(field) ? field : `${field}::text`);
  const columns = binary ? LEAF_FIELDS.map(asRead).join(', ') : LEAF_COLUMNS;
  const { rows } = await pool.query<{ tx: string; gp: string }>(
    `SELECT transaction_id::text AS tx, global_position::text AS gp FROM events
      ORDER BY transaction_id, global_position OFFSET $1 LIMIT 1`,
    [Math.floor(events / 2)],
  );
  const middle = `(${pg.escapeLiteral(rows[0]!.tx)}::xid8, ${Number(rows[0]!.gp)}::bigint)`;
  const half = async (where: string) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_sort = off');
      await client.query(
        `COPY (SELECT ${columns} FROM events WHERE (transaction_id, global_position) ${where} ${middle}
          ORDER BY events.transaction_id, events.global_position) TO '/dev/null' (FORMAT binary)`,
      );
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  };
  const started = performance.now();
  try {
    await Promise.all([half('<'), half('>=')]);
  } catch (error) {
    console.error(`(no database limit: ${(error as Error).message})`);
    return NaN;
  }
  return (events * 1000) / (performance.now() - started);
}

async function verifying(url: string) {
  const ledger = newLedger();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle connection sees the server's shutdown at the end: not a failure of the bench.
  pool.on('error', () => {});
  try {
    // Only the seeded events: what part 1 wrote is in another database.
    let started = performance.now();
    await seed(pool, EVENTS);
    const { events } = await sample(pool);
    const seedMs = performance.now() - started;

    started = performance.now();
    const worker = startWorker(url, ledger);
    const treeMs = await waitUntil(pool, (s) => s.tree >= events, 30 * 60_000);
    await waitUntil(pool, (s) => s.head >= events, 60_000);
    const buildMs = performance.now() - started;
    await stopWorker(worker);

    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await runVerifier(ledger, url));
    for (const run of runs) if (run.code !== 0) console.log(run.output);
    const rateOf = (output: string) => Number(/\(([\d,]+) events\/s\)/.exec(output)?.[1]?.replace(/,/g, '') ?? NaN);

    console.log(`\n## 2. Verifying ${n(events)} events\n`);
    console.log(`Seeded in ${n(seedMs)} ms (${n((events * 1000) / seedMs)} events/s, INSERT … SELECT, streams of 10).`);
    console.log(
      `The worker built the tree over them in ${n(treeMs)} ms (${n((events * 1000) / treeMs)} events/s) ` +
        `and had a head over all of them ${n(buildMs)} ms after it started.\n`,
    );
    console.log(
      '| verifier run | exit code | events/s (replay: read, hash, compare every head) | wall time incl. start, heads, key (ms) | events/s over the wall time |',
    );
    console.log('|---:|---:|---:|---:|---:|');
    for (const [i, run] of runs.entries()) {
      console.log(
        `| ${i + 1} | ${run.code} | ${n(rateOf(run.output))} | ${n(run.ms)} | ${n((events * 1000) / run.ms)} |`,
      );
    }
    const limit = await databaseLimit(pool, events, true);
    const textLimit = await databaseLimit(pool, events, false);
    console.log(
      `| limit: PostgreSQL writing the leaf columns to /dev/null on 2 connections, nobody reading, as the verifier reads them (binary) | – | ` +
        `${n(limit)} | – | – |`,
    );
    console.log(`| the same as text (::text, to_char), as the app's ledger reads them | – | ${n(textLimit)} | – | – |`);
    const rates = runs.map((r) => (events * 1000) / r.ms).sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)]!;
    console.log(
      `\nTarget ≥ ${n(TARGET_VERIFY_PER_SECOND)} events/s: ${median >= TARGET_VERIFY_PER_SECOND ? 'met' : 'NOT met'} ` +
        `(median wall-time rate of the ${runs.length} runs ${n(median)} events/s, best ${n(rates.at(-1)!)}; ` +
        `the database alone gives the columns at ${n(limit)} events/s here).`,
    );
    return { ledger, pool, events };
  } catch (error) {
    await pool.end();
    rmSync(ledger.dir, { recursive: true, force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------
// 3. Proofs

async function proofs(pool: pg.Pool, events: number) {
  const { getInclusionProof } = await import('../lib/ledger/queries');
  const { latestHead, hashRanges } = await import('../lib/ledger/store');
  const { consistencyRanges } = await import('../lib/ledger/tree');
  const random = seededRandom(Number(process.env.BENCH_SEED ?? 12));
  const head = (await latestHead(pool))!;
  const { rows } = await pool.query<{ gp: string }>(
    `SELECT global_position::text AS gp FROM ledger_leaves WHERE leaf_index = ANY($1::bigint[])`,
    [Array.from({ length: PROOFS }, () => Math.floor(random() * head.treeSize))],
  );
  const inclusion: Array<{ ms: number; hashes: number; bytes: number }> = [];
  for (const { gp } of rows) {
    const started = performance.now();
    const proof = await getInclusionProof(pool, { globalPosition: gp });
    inclusion.push({
      ms: performance.now() - started,
      hashes: proof.auditPath.length,
      bytes: JSON.stringify(proof).length,
    });
  }
  const consistency: Array<{ ms: number; hashes: number }> = [];
  for (let i = 0; i < PROOFS; i++) {
    const to = 2 + Math.floor(random() * (head.treeSize - 1));
    const from = 1 + Math.floor(random() * (to - 1));
    const started = performance.now();
    const proof = await hashRanges(pool, consistencyRanges(from, to));
    consistency.push({ ms: performance.now() - started, hashes: proof.length });
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
  };
  console.log(`\n## 3. Proofs in a tree of ${n(head.treeSize)} (${n(events)} events), ${PROOFS} of each kind\n`);
  console.log('| proof | hashes p50 / max | size | time p50 | p99 | max |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const inc = stats(inclusion.map((p) => p.ms));
  const incHashes = stats(inclusion.map((p) => p.hashes));
  const incBytes = stats(inclusion.map((p) => p.bytes));
  console.log(
    `| inclusion (GET /api/events/{position}/proof: event row, leaf, path, head) | ${incHashes.p50} / ${incHashes.max} | ` +
      `${n(incHashes.max * 32)} B of hashes, ${n(incBytes.p50)} B of JSON | ${inc.p50.toFixed(2)} ms | ${inc.p99.toFixed(2)} ms | ${inc.max.toFixed(2)} ms |`,
  );
  const con = stats(consistency.map((p) => p.ms));
  const conHashes = stats(consistency.map((p) => p.hashes));
  console.log(
    `| consistency between random sizes (the path only) | ${conHashes.p50} / ${conHashes.max} | ${n(conHashes.max * 32)} B of hashes | ` +
      `${con.p50.toFixed(2)} ms | ${con.p99.toFixed(2)} ms | ${con.max.toFixed(2)} ms |`,
  );
}

// ---------------------------------------------------------------------------

async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  console.log(
    `# bench:ledger — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  );
  if (PART !== 'verify') await withBenchDatabase('bench_ledger_live', ({ url }) => keepingUp(url));
  if (PART === 'keeping-up') return;
  await withBenchDatabase(
    'bench_ledger_verify',
    async ({ url }) => {
      const { ledger, pool, events } = await verifying(url);
      try {
        await proofs(pool, events);
      } finally {
        await pool.end();
        if (KEEP)
          console.error(
            `Kept the heads: npm run ledger:verify -- --heads ${ledger.exportDir} --public-key ${ledger.publicKeyFile} --database-url ${url}`,
          );
        else rmSync(ledger.dir, { recursive: true, force: true });
      }
    },
    { keep: KEEP },
  );
}

await main();
