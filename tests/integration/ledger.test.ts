import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventStore } from '../../lib/event-store';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { headFileName } from '../../lib/ledger/export';
import { getInclusionProof, getLedgerStatus } from '../../lib/ledger/queries';
import { startProjectionWorker } from '../../lib/projections/worker';
import { isolatedDatabase } from '../support/db';
import { cloneTemplate } from '../support/global-setup';
import { runVerifier, testLedger, verifyTestLedger, waitForFullHead } from '../support/ledger';
import { seededRandom } from '../support/random';

// The attacker has every right on the database: triggers off, hashes
// recomputed. What they do not have is the heads exported before the change,
// or the key that signed them. Each scenario runs on a copy of one database
// whose history the heads already cover.

const ledger = testLedger();
const STREAMS = Array.from({ length: 8 }, (_, i) => `ledger-test-${i}`);
let prepared: string;

/** Appends `count` events spread over the streams, a few at once (so transactions interleave). */
async function appendEvents(store: ReturnType<typeof createEventStore>, count: number, offset = 0) {
  await Promise.all(
    Array.from({ length: 4 }, async (_, writer) => {
      for (let i = writer; i < count; i += 4) {
        const streamId = STREAMS[(offset + i) % STREAMS.length]!;
        await store.append(
          streamId,
          [
            // Text beyond ASCII: leaves encode UTF-8 lengths, which the verifier must agree with.
            {
              type: 'LedgerTick',
              data: { n: offset + i, note: 'Ålesund — 東京 ✓' },
              metadata: { actor: { id: 'test', name: 'Zoë' } },
            },
          ],
          { expectedVersion: 'any', streamType: 'ledger-test' },
        );
      }
    }),
  );
}

beforeAll(async () => {
  prepared = await isolatedDatabase();
  const pool = new pg.Pool({ connectionString: prepared, max: 6 });
  const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
  const worker = startProjectionWorker({
    connectionString: prepared,
    projections: [],
    ledger: ledger.settings,
    pollMs: 20,
  });
  try {
    // Three waves, each signed before the next: several heads, each consistent with the one before.
    for (let wave = 0; wave < 3; wave++) {
      await appendEvents(store, 20, wave * 20);
      await waitForFullHead(pool);
    }
  } finally {
    await worker.stop();
    await pool.end();
  }
}, 120_000);

afterAll(() => rmSync(ledger.dir, { recursive: true, force: true }));

/** A copy of the prepared database, and a pool on it. */
async function copy() {
  const name = `${new URL(prepared).pathname.slice(1)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  try {
    await cloneTemplate(admin, new URL(prepared).pathname.slice(1), name);
  } finally {
    await admin.end();
  }
  const url = new URL(prepared);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
  afterAll(() => pool.end());
  return { url: url.toString(), pool, store: createEventStore(pool, { schemas: EVENT_SCHEMAS }) };
}

/** Runs statements as an administrator would: triggers off (session_replication_role), one transaction. */
async function asAdministrator(pool: pg.Pool, run: (db: pg.PoolClient) => Promise<void>) {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    await db.query('SET LOCAL session_replication_role = replica');
    await run(db);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    db.release();
  }
}

/** Rewrites the stream's hash chain from its first event and its stream row, so that verifyStream passes again. */
async function recomputeChain(db: pg.PoolClient, streamId: string) {
  const { rows } = await db.query<{ stream_version: number }>(
    'SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version',
    [streamId],
  );
  let prev = '0'.repeat(64);
  let before = prev;
  for (const { stream_version } of rows) {
    const { rows: updated } = await db.query<{ hash: string }>(
      `UPDATE events SET prev_hash = $3,
              hash = ll_event_hash($3, stream_id, stream_version, event_type, schema_version, data, metadata, occurred_at)
        WHERE stream_id = $1 AND stream_version = $2 RETURNING hash`,
      [streamId, stream_version, prev],
    );
    before = prev;
    prev = updated[0]!.hash;
  }
  await db.query('UPDATE streams SET version = $2, head_hash = $3, prev_head_hash = $4 WHERE stream_id = $1', [
    streamId,
    rows.length,
    prev,
    before,
  ]);
}

/** The events in tree order: leaf i is the i-th. */
async function eventsInOrder(pool: pg.Pool) {
  const { rows } = await pool.query<{
    global_position: string;
    transaction_id: string;
    stream_id: string;
    stream_version: number;
  }>(
    `SELECT global_position::text, transaction_id::text, stream_id, stream_version FROM events
      ORDER BY events.transaction_id, events.global_position`,
  );
  return rows;
}

/**
 * The verifier's verdict, which it must reach the same way when it reads the
 * events a head at a time on two threads: every range then starts at a head's
 * size, and after a removed or inserted event at the wrong one.
 */
async function verify(url?: string) {
  const result = await verifyTestLedger(ledger, url);
  const withoutRate = (output: string) => output.replace(/ \([\d,]+ events\/s\)/, '');
  const split = await verifyTestLedger(ledger, url, ['--threads', '2', '--range-events', '1']);
  expect(withoutRate(split.output)).toBe(withoutRate(result.output));
  expect(split.code).toBe(result.code);
  return result;
}

describe('the verifier, on an untouched database', () => {
  it('finds every head signed, chained and consistent, and the events reproducing them', async () => {
    const { url } = await copy();
    const heads = readdirSync(ledger.settings.exportDir).filter((f) => f.startsWith('head-'));
    expect(heads.length).toBeGreaterThanOrEqual(3);
    const result = await verify(url);
    expect(result.output).toContain('reproduce every head');
    expect(result.output.trim().endsWith('OK')).toBe(true);
    expect(result.code).toBe(0);
    // Without a database it checks the heads alone.
    const offline = await verify();
    expect(offline.code).toBe(0);
    expect(offline.output).toContain('the database was not compared');
  });

  it('refuses heads signed by another key, a changed head, and a head missing from the middle', async () => {
    const other = testLedger();
    const foreign = await runVerifier(['--heads', ledger.settings.exportDir, '--public-key', other.publicKeyFile]);
    expect(foreign.code).toBe(1);
    expect(foreign.output).toContain('not among the public keys given');

    // A copy of the exported folder, to spoil.
    const files = readdirSync(ledger.settings.exportDir).filter((f) => f.startsWith('head-'));
    for (const file of files)
      writeFileSync(path.join(other.dir, file), readFileSync(path.join(ledger.settings.exportDir, file)));
    const copied = files.map((f) => path.join(other.dir, f));
    const run = () => runVerifier(['--heads', other.dir, '--public-key', ledger.publicKeyFile]);
    expect((await run()).code).toBe(0);

    const middle = copied[1]!;
    const head = JSON.parse(readFileSync(middle, 'utf8')) as { rootHash: string };
    writeFileSync(
      middle,
      JSON.stringify({ ...head, rootHash: head.rootHash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }),
    );
    const changed = await run();
    expect(changed.code).toBe(1);
    expect(changed.output).toContain('signature that does not verify');

    rmSync(middle);
    const gap = await run();
    expect(gap.code).toBe(1);
    expect(gap.output).toMatch(/does not name head \d+ as its previous one/);
    rmSync(other.dir, { recursive: true, force: true });
  });
});

describe('the attacker with full database rights', () => {
  it('edits an event and recomputes its stream chain: the chain passes, the verifier names the event', async () => {
    const { url, pool, store } = await copy();
    const target = { streamId: STREAMS[2]!, version: 3 };
    await asAdministrator(pool, async (db) => {
      await db.query(`UPDATE events SET data = data || '{"n": 999}' WHERE stream_id = $1 AND stream_version = $2`, [
        target.streamId,
        target.version,
      ]);
      await recomputeChain(db, target.streamId);
    });
    expect(await store.verifyStream(target.streamId)).toMatchObject({ ok: true });

    const leaf = (await eventsInOrder(pool)).findIndex(
      (e) => e.stream_id === target.streamId && e.stream_version === target.version,
    );
    const result = await verify(url);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`Leaf ${leaf}: changed.`);
    expect(result.output).toContain(`stream ${target.streamId}, version ${target.version}`);
  });

  it('deletes the newest event and fixes its stream row: the verifier names it missing', async () => {
    const { url, pool, store } = await copy();
    const events = await eventsInOrder(pool);
    const newest = events.at(-1)!;
    await asAdministrator(pool, async (db) => {
      await db.query('DELETE FROM events WHERE global_position = $1', [newest.global_position]);
      await recomputeChain(db, newest.stream_id);
    });
    expect(await store.verifyStream(newest.stream_id)).toMatchObject({ ok: true });

    const result = await verify(url);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`Leaf ${events.length - 1}: missing.`);
    expect(result.output).toContain(
      `position ${newest.transaction_id}:${newest.global_position}, stream ${newest.stream_id}, version ${newest.stream_version}`,
    );
  });

  it('swaps two events in the global order: the verifier names the event out of place', async () => {
    const { url, pool, store } = await copy();
    const events = await eventsInOrder(pool);
    const a = events[5]!;
    const b = events.slice(6).find((e) => e.stream_id !== a.stream_id)!;
    await asAdministrator(pool, async (db) => {
      const move = 'UPDATE events SET transaction_id = $2::text::xid8, global_position = $3 WHERE global_position = $1';
      await db.query(move, [a.global_position, a.transaction_id, '-1']);
      await db.query(move, [b.global_position, a.transaction_id, a.global_position]);
      await db.query(move, ['-1', b.transaction_id, b.global_position]);
    });
    expect(await store.verifyStream(a.stream_id)).toMatchObject({ ok: true });
    expect(await store.verifyStream(b.stream_id)).toMatchObject({ ok: true });

    const result = await verify(url);
    expect(result.code).toBe(1);
    expect(result.output).toContain('Leaf 5: reordered.');
    expect(result.output).toContain(`stream ${b.stream_id}, version ${b.stream_version}`);
    expect(result.output).toContain(`the ledger had this event at leaf ${events.indexOf(b)}`);
  });

  it('inserts a forged event in the past with a valid chain: the verifier names it inserted', async () => {
    const { url, pool, store } = await copy();
    const events = await eventsInOrder(pool);
    const before = events[3]!;
    const forged = 'ledger-test-forged';
    await asAdministrator(pool, async (db) => {
      // Sorts right after event 3: same transaction id, a larger position.
      await db.query(
        `WITH e AS (
           SELECT 'LedgerTick'::text AS t, 1 AS sv, '{"n": -1}'::jsonb AS d, '{}'::jsonb AS m,
                  timestamptz '2020-01-01T00:00:00Z' AS o
         ), h AS (SELECT *, ll_event_hash(repeat('0', 64), $1, 1, t, sv, d, m, o) AS hash FROM e),
         s AS (INSERT INTO streams (stream_id, stream_type, version, head_hash, prev_head_hash)
               SELECT $1, 'ledger-test', 1, hash, repeat('0', 64) FROM h)
         INSERT INTO events (global_position, transaction_id, stream_id, stream_type, stream_version, event_type,
                             schema_version, data, metadata, occurred_at, recorded_at, prev_hash, hash)
         SELECT 900000000000, $2::text::xid8, $1, 'ledger-test', 1, t, sv, d, m, o, o, repeat('0', 64), hash FROM h`,
        [forged, before.transaction_id],
      );
    });
    expect(await store.verifyStream(forged)).toMatchObject({ ok: true });

    const result = await verify(url);
    expect(result.code).toBe(1);
    expect(result.output).toContain('Leaf 4: inserted.');
    expect(result.output).toContain(`stream ${forged}, version 1`);
  });

  it('edits recorded_at, which no stream chain covers: the verifier names the event', async () => {
    const { url, pool, store } = await copy();
    const events = await eventsInOrder(pool);
    const target = events[10]!;
    await asAdministrator(pool, (db) =>
      db
        .query(`UPDATE events SET recorded_at = recorded_at - interval '1 hour' WHERE global_position = $1`, [
          target.global_position,
        ])
        .then(() => {}),
    );
    expect(await store.verifyStream(target.stream_id)).toMatchObject({ ok: true });

    const result = await verify(url);
    expect(result.code).toBe(1);
    expect(result.output).toContain('Leaf 10: changed.');
    expect(result.output).toContain(`stream ${target.stream_id}, version ${target.stream_version}`);
  });
});

describe('inclusion proofs', () => {
  it('verify with the public key alone, and fail for a changed event', async () => {
    const { pool } = await copy();
    const dir = testLedger().dir;
    const events = await eventsInOrder(pool);
    const check = async (proof: unknown) => {
      const file = path.join(dir, `proof-${Math.random()}.json`);
      writeFileSync(file, JSON.stringify(proof));
      return runVerifier(['--proof', file, '--public-key', ledger.publicKeyFile]);
    };
    for (const index of [0, 17, events.length - 1]) {
      const proof = await getInclusionProof(pool, { globalPosition: events[index]!.global_position });
      expect(proof.leafIndex).toBe(index);
      const good = await check(proof);
      expect(good.output).toContain('the event is in the signed tree');
      expect(good.code).toBe(0);

      const changed = { ...proof.event.leaf.fields, data: '{"n": 12345}' };
      const bad = await check({ ...proof, event: { ...proof.event, leaf: { ...proof.event.leaf, fields: changed } } });
      expect(bad.code).toBe(1);
    }

    // A proof served from a database where the event was changed does not verify either.
    const target = events[17]!;
    await asAdministrator(pool, (db) =>
      db
        .query(`UPDATE events SET data = data || '{"n": 0}' WHERE global_position = $1`, [target.global_position])
        .then(() => {}),
    );
    const served = await getInclusionProof(pool, { globalPosition: target.global_position });
    const result = await check(served);
    expect(result.code).toBe(1);
    expect(result.output).toContain('does not lead from leaf 17');
    rmSync(dir, { recursive: true, force: true });
  });

  it('the status says how far the newest head trails the log', async () => {
    const { pool, store } = await copy();
    const covered = await getLedgerStatus(pool);
    expect(covered).toMatchObject({ treeSize: 60, trailingEvents: 0, trailingMs: 0, lastError: null });
    expect(covered.head?.treeSize).toBe(60);
    // No worker runs on the copy: new events stay outside the tree and every head.
    await appendEvents(store, 3, 1000);
    await sleep(20);
    const behind = await getLedgerStatus(pool);
    expect(behind).toMatchObject({ treeSize: 60, trailingEvents: 3 });
    expect(behind.trailingMs).toBeGreaterThanOrEqual(20);
  });

  it('exported head files are the stored heads', async () => {
    const { pool } = await copy();
    const { rows } = await pool.query<{ tree_size: string }>('SELECT tree_size::text FROM ledger_heads ORDER BY 1');
    expect(rows.map((r) => headFileName(Number(r.tree_size))).sort()).toEqual(
      readdirSync(ledger.settings.exportDir)
        .filter((f) => f.startsWith('head-'))
        .sort(),
    );
  });
});

describe('the verifier writes each leaf value itself, from the binary columns', () => {
  // The ledger's leaves take their text from PostgreSQL (::text, to_char); the
  // verifier reads the same columns in binary and writes the text on its own.
  // Where the two disagreed, the verifier would report an untouched history
  // as changed: these are the values where a hand-written formatter goes wrong.
  const times = [
    '2026-12-02 19:00:00.000000+00',
    '2000-01-01 00:00:00+00', // microsecond zero of the binary format
    '2000-01-01 00:00:00.000001+00',
    '1999-12-31 23:59:59.999999+00', // negative microseconds
    '1970-01-01 00:00:00+00',
    '1900-02-28 23:59:59.5+00', // not a leap year
    '2000-02-29 12:00:00+00',
    '0001-01-01 00:00:00+00',
    '0044-03-15 12:00:00+00 BC',
    '4713-11-24 00:00:00+00 BC', // the smallest timestamptz
    '2285-06-04 23:47:16.854775+00', // near 2^53 microseconds after 2000
    '2286-01-01 00:00:00.000001+00', // past it: exact only as a BigInt
    '9999-12-31 23:59:59.999999+00',
    '10000-01-01 00:00:00+00', // a five-digit year
    '294276-12-31 23:59:59.999999+00', // the largest timestamptz
    'infinity', // to_char gives ''
    '-infinity',
  ];

  it('agrees with the ledger at the edges of every column type', async () => {
    const url = await isolatedDatabase();
    const own = testLedger();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    afterAll(() => pool.end());
    const worker = startProjectionWorker({ connectionString: url, projections: [], ledger: own.settings, pollMs: 20 });
    try {
      // Positions either side of 2^53 (9,007,199,254,740,992), where a Number stops being exact.
      await pool.query(`SELECT setval('events_global_position_seq', 9007199254740985)`);
      for (const [i, at] of times.entries()) {
        await pool.query(
          `INSERT INTO events (stream_id, stream_type, stream_version, event_type, schema_version, data, metadata,
                               occurred_at, recorded_at, prev_hash, hash)
           VALUES ($1, 'edge-test', $2, 'EdgeCase', $3, $4, $5, $6, $7, $8, $9)`,
          [
            `edge-${i}`,
            [1, 2147483647, 0][i % 3],
            [1, -2147483648, 2147483647, -1][i % 4],
            {
              text: 'tab\t "quote" \\ \u0001 Zoë 東京 😀',
              n: [1.5e300, -0, 0.1, 123456789012345678901234567890],
              empty: {},
            },
            { actor: { id: `a-${i}` }, nested: [[], [null, true, false]] },
            at,
            times[times.length - 1 - i], // recorded_at takes the same values in the other order
            '0'.repeat(64),
            `${i}`.padStart(64, 'f'),
          ],
        );
      }
      // And one at the top of bigint's range.
      await pool.query(
        `INSERT INTO events (global_position, stream_id, stream_type, stream_version, event_type, data, occurred_at,
                             prev_hash, hash)
         VALUES (9223372036854775807, 'edge-max', 'edge-test', 1, 'EdgeCase', '[]', now(), '', '')`,
      );
      expect(await waitForFullHead(pool)).toBe(times.length + 1);
    } finally {
      await worker.stop();
    }
    const result = await verifyTestLedger(own, url);
    expect(result.output).toContain(`the database's ${times.length + 1} events up to the newest head reproduce`);
    expect(result.code).toBe(0);
    rmSync(own.dir, { recursive: true, force: true });
  });
});

describe('SIGKILL of the ledger worker', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

  it('leaves no gap and no double leaf, and the heads of every run stay consistent', async () => {
    const seed = Number(process.env.LEDGER_SEED ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    console.log(`ledger SIGKILL seed ${seed}`);
    const url = await isolatedDatabase();
    const own = testLedger();
    const pool = new pg.Pool({ connectionString: url, max: 6 });
    afterAll(() => pool.end());
    const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
    const start = () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'tests/support/ledger-child.ts', url, own.settings.keyFile, own.settings.exportDir],
        { stdio: 'ignore' },
      );
      children.push(child);
      return child;
    };

    let writing = true;
    let written = 0;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      while (writing) {
        await store.append(`ledger-kill-${w}-${written % 5}`, [{ type: 'LedgerTick', data: { n: written++ } }], {
          expectedVersion: 'any',
          streamType: 'ledger-test',
        });
      }
    });
    for (let run = 0; run < 4; run++) {
      const child = start();
      await sleep(300 + random() * 700);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    writing = false;
    await Promise.all(writers);
    const last = start();
    await waitForFullHead(pool);
    last.kill('SIGTERM');
    await new Promise((resolve) => last.once('exit', resolve));

    // Leaf i is exactly the i-th event in tree order: none missing, none twice, none out of order.
    const { rows } = await pool.query<{ events: string; leaves: string; mismatched: string }>(
      `WITH e AS (SELECT global_position, row_number() OVER (ORDER BY transaction_id, global_position) - 1 AS i FROM events)
       SELECT (SELECT count(*) FROM events)::text AS events, (SELECT count(*) FROM ledger_leaves)::text AS leaves,
              (SELECT count(*) FROM e FULL JOIN ledger_leaves l ON l.leaf_index = e.i AND l.global_position = e.global_position
                WHERE l.leaf_index IS NULL OR e.i IS NULL)::text AS mismatched`,
    );
    expect(Number(rows[0]!.events)).toBeGreaterThan(50);
    expect(rows[0]).toEqual({ events: rows[0]!.events, leaves: rows[0]!.events, mismatched: '0' });

    const result = await verifyTestLedger(own, url);
    expect(result.output).toContain('reproduce every head');
    expect(result.code).toBe(0);
    rmSync(own.dir, { recursive: true, force: true });
  }, 60_000);
});
