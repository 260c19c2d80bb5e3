import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from '../../lib/event-store';
import { EVENT_SCHEMAS } from '../../lib/event-schemas';
import { isolatedDatabase } from '../support/db';
import { sessionTokenFor } from '../support/session';

// The example consumer (examples/feed-consumer) against the app as a process
// of its own, while writers append in transactions that commit out of order:
// SIGKILLed twice mid-stream and restarted, it ends with exactly the events
// of the log, once each, in the log's order.

const url = await isolatedDatabase();
const pool = new pg.Pool({ connectionString: url, max: 12 });
pool.on('error', () => {});
const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
const dir = mkdtempSync(path.join(tmpdir(), 'feed-consumer-'));
const output = path.join(dir, 'events.jsonl');
const children = new Set<ChildProcess>();
let port = 0;
let token = '';

function startApp(): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/app-child.ts'], {
    env: { ...process.env, DATABASE_URL: url, LEDGERLINE_FEED_POLL_MS: '50' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('app did not start')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
}

function startConsumer(): ChildProcess {
  const child = spawn(process.execPath, ['examples/feed-consumer/consumer.mjs'], {
    env: {
      ...process.env,
      LEDGERLINE_URL: `http://127.0.0.1:${port}`,
      LEDGERLINE_TOKEN: token,
      OUTPUT: output,
      CHECKPOINT: path.join(dir, 'checkpoint.json'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.add(child);
  return child;
}

async function kill(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  children.delete(child);
}

/** Complete lines only: a line cut short by the kill is not applied yet (the consumer cuts it off on restart). */
const applied = (): string[] =>
  existsSync(output)
    ? readFileSync(output, 'utf8')
        .split('\n')
        .slice(0, -1)
        .map((line) => (JSON.parse(line) as { position: string }).position)
    : [];

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The log in its global order, read straight from the table. */
async function logPositions(): Promise<string[]> {
  const { rows } = await pool.query<{ position: string }>(
    `SELECT transaction_id::text || ':' || global_position AS position FROM events
      ORDER BY transaction_id, global_position`,
  );
  return rows.map((r) => r.position);
}

beforeAll(async () => {
  port = await startApp();
  token = await sessionTokenFor(pool, 'viewer');
}, 90_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('the example feed consumer', () => {
  it('ends with exactly the events of the log, once each and in order, though killed twice mid-stream', async () => {
    let writing = true;
    // 8 writers, each holding its transaction open a random while after
    // appending, so positions commit out of order; some roll back. At least
    // 40 tries each (~270 events), however soon the kills are done.
    const writers = Array.from({ length: 8 }, async (_, w) => {
      const streamId = `feed-${w}-${Date.now()}`;
      let version = 0;
      for (let i = 0; writing || i < 40; i++) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await store.append(
            streamId,
            [{ type: 'Tick', data: { w, i } }],
            { expectedVersion: version, streamType: 'test' },
            client,
          );
          await sleep(Math.random() * 20);
          if (Math.random() < 0.15) await client.query('ROLLBACK');
          else {
            await client.query('COMMIT');
            version = result.version;
          }
        } finally {
          client.release();
        }
      }
    });

    let consumer = startConsumer();
    await waitFor(() => applied().length >= 40, 'the first events');
    await kill(consumer);
    const afterFirstKill = applied().length;

    consumer = startConsumer();
    await waitFor(() => applied().length >= afterFirstKill + 40, 'events after the restart');
    await kill(consumer);

    consumer = startConsumer();
    writing = false;
    await Promise.all(writers);
    const log = await logPositions();
    // Every committed event is readable once no transaction older than it is open.
    await waitFor(() => applied().length >= log.length, `all ${log.length} events`, 60_000);
    await sleep(300); // nothing more may arrive
    await kill(consumer);

    const seen = applied();
    expect(log.length).toBeGreaterThan(200);
    expect(seen).toEqual(log);
  }, 120_000);
});
