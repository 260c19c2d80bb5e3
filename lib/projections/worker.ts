import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { createEventStore } from '../event-store';
import { processNextBatch, type BatchResult } from './batch';
import { ensureCheckpoint } from './checkpoint';
import type { Projection } from './types';

/** Channel that writers NOTIFY after an append (see lib/event-store/notify.ts). */
export const EVENTS_CHANNEL = 'll_events';
/** Channel the worker NOTIFYs after each committed batch, for live push. */
export const PROJECTIONS_CHANNEL = 'll_projections';
/** First key of the projections' advisory locks ("LL"). */
const LOCK_CLASS = 0x4c4c;
/** After this many failures in a row a projection shows as stalled (it keeps retrying). */
const STALL_AFTER = 5;

export type WorkerOptions = {
  connectionString: string;
  projections: readonly Projection[];
  id?: string;
  batchSize?: number;
  /** Fallback poll when no notification arrives. */
  pollMs?: number;
  /** How often a standby worker tries to take over a projection. */
  lockRetryMs?: number;
  heartbeatMs?: number;
  maxBackoffMs?: number;
  log?: (line: string) => void;
  onBatch?: (projection: Projection, result: BatchResult) => void;
};

export type ProjectionWorker = { id: string; stop: () => Promise<void> };

/**
 * Runs projections. Each projection is processed by one worker at a time: the
 * one holding its session advisory lock. When that worker dies its connection
 * closes, the lock is released, and a standby takes over within lockRetryMs.
 * A projection whose handler throws stops (its checkpoint stays before the
 * event), retries with backoff and shows the error; it never skips the event.
 */
export function startProjectionWorker(options: WorkerOptions): ProjectionWorker {
  const id = options.id ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 1_000;
  const lockRetryMs = options.lockRetryMs ?? 1_000;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const log = options.log ?? (() => {});
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.projections.length + 2 });
  pool.on('error', (error) => log(`pool error: ${error.message}`));
  const store = createEventStore(pool);

  let stopped = false;
  const sleepers = new Set<() => void>();
  /** Sleeps up to `ms`; a notification (or stop) ends the sleep early when `wakeable`. */
  const sleep = (ms: number, wakeable = true) =>
    new Promise<boolean>((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve(woken);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      if (wakeable || stopped) sleepers.add(wake);
    });
  const wakeAll = () => [...sleepers].forEach((wake) => wake());

  const listener = listen(options.connectionString, wakeAll, log, () => stopped);
  const loops = options.projections.map((projection) => runProjection(projection));

  async function runProjection(projection: Projection) {
    const label = `${projection.name} v${projection.version}`;
    while (!stopped) {
      const lock = new pg.Client({ connectionString: options.connectionString });
      let lockLost = false;
      lock.on('error', (error) => {
        lockLost = true;
        log(`${label}: lock connection lost (${error.message})`);
      });
      try {
        await lock.connect();
        let held = false;
        while (!stopped && !held) {
          const { rows } = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
            LOCK_CLASS,
            label,
          ]);
          held = rows[0]!.ok;
          if (!held) await sleep(lockRetryMs, false);
        }
        if (stopped) break;
        log(`${label}: processing (worker ${id})`);
        await ensureCheckpoint(pool, projection);
        await processLoop(projection, () => lockLost);
      } catch (error) {
        log(`${label}: ${(error as Error).message}`);
        if (!stopped) await sleep(lockRetryMs, false);
      } finally {
        // Closing the session releases the advisory lock for a standby.
        await lock.end().catch(() => {});
      }
    }
  }

  async function processLoop(projection: Projection, lockLost: () => boolean) {
    let failures = 0;
    let fastPolls = 0;
    let lastBeat = 0;
    while (!stopped && !lockLost()) {
      if (Date.now() - lastBeat >= heartbeatMs) {
        await heartbeat(projection);
        lastBeat = Date.now();
      }
      try {
        const result = await processNextBatch(pool, store, projection, batchSize);
        failures = 0;
        if (result) {
          options.onBatch?.(projection, result);
          await publish(projection, result);
          continue;
        }
      } catch (error) {
        failures++;
        await recordFailure(projection, error, failures);
        await sleep(Math.min(maxBackoffMs, 100 * 2 ** (failures - 1)), false);
        continue;
      }
      // Caught up. A notification means new events exist, but they only
      // become readable once older transactions end, so look again a few
      // times soon before falling back to waiting. A new notification during
      // those short sleeps ends them at once (under steady load, ignoring it
      // cost up to 64 ms a push).
      if (fastPolls > 0) {
        fastPolls--;
        if (await sleep(2 ** (6 - fastPolls))) fastPolls = 6;
      } else if (await sleep(pollMs)) {
        fastPolls = 6;
      }
    }
  }

  async function heartbeat(projection: Projection) {
    await pool.query(
      `UPDATE projection_checkpoints SET heartbeat_at = now(), owner = $3,
              status = CASE WHEN status = 'idle' THEN 'running' ELSE status END
        WHERE name = $1 AND version = $2`,
      [projection.name, projection.version, id],
    );
  }

  async function recordFailure(projection: Projection, error: unknown, failures: number) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${projection.name} v${projection.version}: batch failed (attempt ${failures}): ${message}`);
    await pool
      .query(
        `UPDATE projection_checkpoints
            SET status = $3, last_error = $4, last_error_at = now(), failed_attempts = $5, heartbeat_at = now(), owner = $6
          WHERE name = $1 AND version = $2`,
        [projection.name, projection.version, failures >= STALL_AFTER ? 'stalled' : 'retrying', message.slice(0, 2000), failures, id],
      )
      .catch((e: Error) => log(`could not record the failure: ${e.message}`));
  }

  /** Tells web nodes what changed; NOTIFY payloads must stay under 8,000 bytes. */
  async function publish(projection: Projection, result: BatchResult) {
    const message = { projection: projection.name, version: projection.version, checkpoint: result.to, keys: result.change.keys };
    let payload = JSON.stringify(message);
    if (payload.length > 7_500) payload = JSON.stringify({ ...message, keys: null });
    await pool.query('SELECT pg_notify($1, $2)', [PROJECTIONS_CHANNEL, payload]).catch(() => {});
  }

  return {
    id,
    stop: async () => {
      stopped = true;
      wakeAll();
      await Promise.all(loops);
      await (await listener).end().catch(() => {});
      await pool.end();
    },
  };
}

/** LISTENs for appends on its own connection, reconnecting when it drops. */
async function listen(connectionString: string, onNotify: () => void, log: (line: string) => void, stopped: () => boolean) {
  const client = new pg.Client({ connectionString });
  client.on('notification', onNotify);
  client.on('error', (error) => {
    log(`listener lost (${error.message}); polling until it is back`);
    if (!stopped()) setTimeout(() => void listen(connectionString, onNotify, log, stopped), 1_000);
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
  } catch (error) {
    log(`listener failed (${(error as Error).message}); polling only`);
  }
  return client;
}
