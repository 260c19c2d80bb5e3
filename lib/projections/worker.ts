import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { intFromEnv } from '../config/env';
import { createPool } from '../db/pool';
import { createEventStore, createReadAhead, createSharedReadAll, parsePosition } from '../event-store';
import { EVENT_SCHEMAS } from '../event-schemas';
import { BatchFailedError, processNextBatch, type BatchResult } from './batch';
import { startListener } from '../live/listener';
import { ensureCheckpoint, readCheckpoint, RetiredError } from './checkpoint';
import type { Projection, Slot } from './types';

import { EVENTS_CHANNEL, PROJECTIONS_CHANNEL, REBUILD_PAYLOAD, RETRY_PAYLOAD } from './channels';
import { buildRebuildIndexes, swapInRebuild } from './rebuild';
import type { LedgerSettings } from '../ledger/config';
import type { SignedHead } from '../ledger/head';
import { loadSigningKey, type SigningKey } from '../ledger/keys';
import { runLedgerLoop } from '../ledger/worker';
import { loggerFor } from '../observability/logger';
import { registerWorker } from './worker-health';
import { processMetrics, secondsSince, watchPool } from '../observability/metrics';

export { EVENTS_CHANNEL, PROJECTIONS_CHANNEL, RETRY_PAYLOAD };
/** First key of the projections' advisory locks ("LL"). */
const LOCK_CLASS = 0x4c4c;
const LEDGER_LOCK_LABEL = 'ledger';
/**
 * Batches of one projection start at least this far apart (ms;
 * LEDGERLINE_MIN_BATCH_INTERVAL_MS overrides it, 0 turns it off), unless the
 * previous batch was full (a backlog: no point waiting). An event that
 * arrives when its projection has been idle for longer is applied at once;
 * under load, the events of this interval go in one batch. Each batch
 * costs the same whatever its size (a transaction, a NOTIFY, a push to every
 * watching browser), so this is what keeps that cost from growing with the
 * command rate: without it a worker with spare CPU runs batch after batch of
 * a few events. bench:live, 200 commands/s for 30 s: 20 ms took the batches
 * from ~11,500 to ~4,700 and the CPU of the whole benchmark from ~9 to ~6 ms
 * per command (the machine from ~185 % busy to ~125 %), for ~7 ms more push
 * latency at p50 (p99 unchanged, ~30–40 ms).
 */
const MIN_BATCH_INTERVAL_MS = intFromEnv('LEDGERLINE_MIN_BATCH_INTERVAL_MS', 20, { max: 10_000 });
/**
 * Batch size while a projection catches up (LEDGERLINE_CATCH_UP_BATCH_SIZE
 * overrides it): once a batch comes back full there is a backlog (a rebuild
 * from zero, a new version, a worker back after downtime), and then the
 * next batches read this many events. A batch costs about six round trips and
 * one transaction whatever its size, and a projection writes each key once a
 * batch (a customer with 400 events in it is one upsert), so a rebuild at
 * the live batch size spends most of its time waiting on those trips rather
 * than on the events. Live traffic keeps the small batch, so a push stays
 * small and a batch's transaction short. bench:rebuild measures it.
 */
export const DEFAULT_CATCH_UP_BATCH_SIZE = intFromEnv('LEDGERLINE_CATCH_UP_BATCH_SIZE', 10_000, {
  min: 1,
  max: 100_000,
});
/** A batch's log line and push name at most this many of the correlation ids it applied. */
const MAX_CORRELATION_IDS = 20;
/** After this many failures in a row a projection shows as stalled (it keeps retrying). */
const STALL_AFTER = 5;

export type WorkerOptions = {
  connectionString: string;
  projections: readonly Projection[];
  id?: string;
  batchSize?: number;
  /** Batch size after a full batch, while catching up (see DEFAULT_CATCH_UP_BATCH_SIZE); never below batchSize. */
  catchUpBatchSize?: number;
  /** A projection's next batch starts at least this long after its previous one started (see MIN_BATCH_INTERVAL_MS). */
  minBatchIntervalMs?: number;
  /** Fallback poll when no notification arrives. */
  pollMs?: number;
  /** How often a standby worker tries to take over a projection. */
  lockRetryMs?: number;
  heartbeatMs?: number;
  maxBackoffMs?: number;
  /** stop() returns within this even when a batch hangs. */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
  onBatch?: (projection: Projection, result: BatchResult, slot: Slot) => void;
  /** After a rebuild's tables took the version's place (swapInRebuild committed). */
  onRebuilt?: (projection: Projection) => void;
  /** Also keep the ledger (signed Merkle tree over the events, lib/ledger); see ledgerSettingsFromEnv. */
  ledger?: LedgerSettings;
  /** After a signed head was stored. */
  onLedgerHead?: (head: SignedHead) => void;
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
  const catchUpBatchSize = Math.max(batchSize, options.catchUpBatchSize ?? DEFAULT_CATCH_UP_BATCH_SIZE);
  const minBatchIntervalMs = options.minBatchIntervalMs ?? MIN_BATCH_INTERVAL_MS;
  const pollMs = options.pollMs ?? 1_000;
  const lockRetryMs = options.lockRetryMs ?? 1_000;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const log = options.log ?? (() => {});
  // Read at once, so that a missing or unreadable key stops the start with its name.
  const ledgerKey = options.ledger
    ? loadSigningKey(options.ledger.keyFile, { generate: options.ledger.generateKey })
    : null;
  if (ledgerKey) {
    log(
      `ledger: signing heads with key ${ledgerKey.keyId} (${ledgerKey.created ? 'generated into' : 'from'} ${ledgerKey.file}), ` +
        `exporting them to ${options.ledger!.exportDir}; public key:\n${ledgerKey.publicKeyPem.trim()}`,
    );
  }
  // Each version has a main loop and a rebuild loop (idle unless a rebuild
  // runs), and each loop may read its next batch while it applies one.
  const pool = createPool(
    { connectionString: options.connectionString, max: 4 * options.projections.length + (ledgerKey ? 4 : 2) },
    log,
  );
  watchPool('projector', pool);
  const metrics = processMetrics();
  const batchLog = loggerFor('projector');
  const store = createEventStore(pool, { schemas: EVENT_SCHEMAS });
  // The projections mostly read the same events at the same moment: one read serves them all.
  // Projections get ProjectionEvents: only the columns they read (see ProjectionEvent).
  const reader = { readAll: createSharedReadAll(store.readAllForProjections) };

  let stopped = false;
  /** When a loop last went round (a batch, a look that found nothing, a standby's lock attempt). */
  let lastTurn = Date.now();
  const unregister = registerWorker({ id, stopped: () => stopped, lastTurn: () => lastTurn });
  /** Pending sleeps, and whether a notification may end them; stop ends them all. */
  const sleepers = new Map<() => void, boolean>();
  /** Sleeps up to `ms`; a notification ends the sleep early when `wakeable`, stop always does. */
  const sleep = (ms: number, wakeable = true) =>
    new Promise<boolean>((resolve) => {
      if (stopped) return resolve(true);
      const done = (woken: boolean) => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve(woken);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      sleepers.set(wake, wakeable);
    });
  const wakeAll = (all = false) => [...sleepers].forEach(([wake, wakeable]) => (all || wakeable) && wake());

  const listener = startListener({
    connectionString: options.connectionString,
    channel: EVENTS_CHANNEL,
    applicationName: 'ledgerline-projector',
    // An append's NOTIFY carries no payload: without this the worker woke only at its poll.
    emptyPayloads: true,
    // An operator's retry (see operations.ts) also ends a backoff.
    onPayload: (payload) => {
      if (payload.startsWith(RETRY_PAYLOAD)) retryRequested.add(payload.slice(RETRY_PAYLOAD.length));
      wakeAll(payload.startsWith(RETRY_PAYLOAD) || payload.startsWith(REBUILD_PAYLOAD));
    },
    // Appends announced while the connection was down are found by the poll.
    onListening: () => wakeAll(),
    log,
  });
  /** `<name>:<version>` of projections an operator asked to retry now. */
  const retryRequested = new Set<string>();
  const loops = options.projections.map((projection) => runProjection(projection));
  if (ledgerKey) loops.push(runLedger(options.ledger!, ledgerKey));

  async function runProjection(projection: Projection) {
    const label = `${projection.name} v${projection.version}`;
    await whileHolding(label, async (lockLost) => {
      log(`${label}: processing (worker ${id})`);
      await ensureCheckpoint(pool, projection);
      // The lock covers both slots of the version, so the rebuild's take-over
      // never races another worker's batch of the same version.
      // Either loop ending (an error) ends the other before the lock goes.
      let ended = false;
      const gone = () => lockLost() || ended;
      const results = await Promise.allSettled(
        (['main', 'rebuild'] as const).map((slot) =>
          processLoop(projection, slot, gone).finally(() => {
            ended = true;
          }),
        ),
      );
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
  }

  /**
   * Runs `run` while this worker holds the session advisory lock named
   * `label`, again and again until stopped: a standby waits for the lock, and
   * an error (or a lost lock connection) ends the run, releases the lock and
   * retries after lockRetryMs.
   */
  async function whileHolding(label: string, run: (lockLost: () => boolean) => Promise<void>) {
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
          lastTurn = Date.now();
          if (!held) await sleep(lockRetryMs, false);
        }
        if (stopped) break;
        await run(() => lockLost);
      } catch (error) {
        log(`${label}: ${(error as Error).message}`);
        if (!stopped) await sleep(lockRetryMs, false);
      } finally {
        // Closing the session releases the advisory lock for a standby.
        await lock.end().catch(() => {});
      }
    }
  }

  /** The ledger (lib/ledger) beside the projections, under a lock of its own ("ledger" is no projection's label). */
  async function runLedger(settings: LedgerSettings, key: SigningKey) {
    await whileHolding(LEDGER_LOCK_LABEL, async (lockLost) => {
      log(`ledger: processing (worker ${id})`);
      await runLedgerLoop(
        {
          pool,
          store,
          settings,
          key,
          workerId: id,
          batchSize,
          catchUpBatchSize,
          minBatchIntervalMs,
          pollMs,
          heartbeatMs,
          maxBackoffMs,
          sleep,
          stopped: () => stopped,
          log,
          onHead: options.onLedgerHead,
        },
        lockLost,
      );
    });
  }

  async function processLoop(projection: Projection, slot: Slot, lockLost: () => boolean) {
    let failures = 0;
    /** Events applied since the last heartbeat, for its events/s. */
    let applied = 0;
    /** Whether this loop has recorded that the slot caught up (ready to serve). */
    let caughtUp = false;
    let fastPolls = 0;
    let lastBeat = 0;
    /** Where this loop believes the checkpoint is (its last batch's `to`); undefined: read it. */
    let known: string | undefined;
    let lastBatchAt = Number.NEGATIVE_INFINITY;
    /** The live batch size, or the catch-up one right after a full batch. */
    let limit = batchSize;
    /**
     * A batch failed since the projection last caught up: until it catches up
     * again, batches stay at the live size, so a poison event is reached one
     * small batch at a time (what precedes it is applied, as without catch-up
     * batches) instead of every large batch failing on it.
     */
    let failedInBacklog = false;
    // After a failure, one event at a time until a batch succeeds: the
    // failing event is then named exactly (and only it can be skipped).
    let isolating = false;
    // Through a backlog, the next batch is read while this one applies: the
    // size this loop asks for after a full batch (see `limit` below).
    const source = {
      readAll: createReadAhead(reader.readAll, () => (failedInBacklog ? batchSize : catchUpBatchSize)),
    };
    const key = `${projection.name}:${projection.version}`;
    const notify = (result: BatchResult) => notification(projection, slot, result);

    while (!stopped && !lockLost()) {
      lastTurn = Date.now();
      if (Date.now() - lastBeat >= heartbeatMs) {
        const now = Date.now();
        await heartbeat(projection, slot, lastBeat > 0 ? (applied * 1000) / (now - lastBeat) : 0);
        applied = 0;
        lastBeat = now;
        // Now and then, ask where the checkpoint is rather than trust our
        // own record of it: a reset while nothing new arrives shows up here.
        known = undefined;
      }
      // No rebuild requested: wait for one (requestRebuild's NOTIFY wakes this).
      const noRebuild = async () =>
        (await readCheckpoint(pool, projection, 'rebuild').catch((e: unknown) => {
          if (e instanceof RetiredError) return null;
          throw e;
        })) === null;
      if (slot === 'rebuild' && known === undefined && (await noRebuild())) {
        await sleep(pollMs * 5, false);
        continue;
      }
      // Under load, let events gather for a moment between batches: fewer,
      // larger batches cost fewer transactions and fewer pushes per event.
      const gather = lastBatchAt + minBatchIntervalMs - Date.now();
      if (gather > 0) await sleep(gather, false);
      try {
        const started = Date.now();
        const timer = performance.now();
        // Isolating a failure reads one event at a time (see above).
        const size = isolating ? 1 : limit;
        const result = await processNextBatch(pool, source, projection, size, { after: known, notify, slot });
        failures = 0;
        isolating = false;
        if (result) {
          recordBatch(projection, slot, result, secondsSince(timer));
          known = result.to;
          applied += result.events.length;
          // A full batch means a backlog: the next one is full too, at once,
          // and larger; a batch that is not full means it is nearly gone.
          const full = result.events.length >= size;
          lastBatchAt = full ? Number.NEGATIVE_INFINITY : started;
          if (!full) failedInBacklog = false;
          limit = full && !failedInBacklog ? catchUpBatchSize : batchSize;
          options.onBatch?.(projection, result, slot);
          // Near the head of the log, a rebuild may have caught up with its version.
          if (slot === 'rebuild' && !full && (await takeOver(projection))) {
            log(`${projection.name} v${projection.version}: rebuild took over at ${result.to}`);
            known = undefined;
            options.onRebuilt?.(projection);
          }
          continue;
        }
        limit = batchSize;
        failedInBacklog = false;
        if (!caughtUp) caughtUp = await markCaughtUp(projection, slot);
        if (slot === 'rebuild' && (await takeOver(projection))) {
          log(`${projection.name} v${projection.version}: rebuild took over`);
          caughtUp = false;
          known = undefined;
          options.onRebuilt?.(projection);
        }
      } catch (error) {
        if (error instanceof RetiredError) {
          // Nothing to do for a retired version; look again now and then (history is kept, the loop idles).
          known = undefined;
          await sleep(pollMs * 5, false);
          continue;
        }
        known = undefined;
        limit = batchSize;
        failedInBacklog = true;
        failures++;
        isolating = true;
        await recordFailure(projection, slot, error, failures);
        await sleep(Math.min(maxBackoffMs, 100 * 2 ** (failures - 1)), false);
        if (retryRequested.delete(key)) failures = 0;
        continue;
      }
      // Caught up. A notification means new events exist, but they only
      // become readable once older transactions end, so look again a few
      // times soon before falling back to waiting. A new notification during
      // those short sleeps ends them at once (under steady load, ignoring it
      // cost up to 64 ms a push). A look that finds nothing costs one
      // statement (see processNextBatch).
      if (fastPolls > 0) {
        fastPolls--;
        if (await sleep(2 ** (6 - fastPolls))) fastPolls = 6;
      } else if (await sleep(pollMs)) {
        fastPolls = 6;
      } else {
        known = undefined; // idle: the fallback poll reads the checkpoint itself
      }
    }
  }

  /**
   * A rebuild that has caught up: its copies get the indexes left out during
   * the replay (one build, outside any batch; a no-op once they have them),
   * then take over if they are at the version's position (swapInRebuild,
   * one short transaction).
   */
  async function takeOver(projection: Projection): Promise<boolean> {
    const started = Date.now();
    const built = await buildRebuildIndexes({ pool }, projection);
    if (built > 0) {
      log(
        `${projection.name} v${projection.version}: built ${built} indexes of the rebuild in ${Date.now() - started} ms`,
      );
    }
    return swapInRebuild({ pool, store }, projection);
  }

  async function heartbeat(projection: Projection, slot: Slot, eventsPerSecond: number) {
    await pool.query(
      `UPDATE projection_checkpoints SET heartbeat_at = now(), owner = $3, events_per_second = $5,
              status = CASE WHEN status = 'idle' THEN 'running' ELSE status END
        WHERE name = $1 AND version = $2 AND slot = $4 AND retired_at IS NULL`,
      [projection.name, projection.version, id, slot, eventsPerSecond],
    );
  }

  /** The slot found nothing left to read: it is ready to serve. False when it has no row (no rebuild runs). */
  async function markCaughtUp(projection: Projection, slot: Slot): Promise<boolean> {
    const { rowCount } = await pool.query(
      `UPDATE projection_checkpoints SET caught_up_at = coalesce(caught_up_at, now())
        WHERE name = $1 AND version = $2 AND slot = $3 AND retired_at IS NULL`,
      [projection.name, projection.version, slot],
    );
    return rowCount === 1;
  }

  async function recordFailure(projection: Projection, slot: Slot, error: unknown, failures: number) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${projection.name} v${projection.version}: batch failed (attempt ${failures}): ${message}`);
    const alone = error instanceof BatchFailedError && error.events.length === 1 ? error.events[0]! : null;
    const at = alone ? parsePosition(alone.position) : null;
    await pool
      .query(
        `UPDATE projection_checkpoints
            SET status = $3, last_error = $4, last_error_at = now(), failed_attempts = $5, heartbeat_at = now(), owner = $6,
                failing_transaction_id = $7, failing_global_position = $8, failing_stream_id = $9,
                failing_stream_version = $10, failing_event_type = $11
          WHERE name = $1 AND version = $2 AND slot = $12 AND retired_at IS NULL`,
        [
          projection.name,
          projection.version,
          failures >= STALL_AFTER ? 'stalled' : 'retrying',
          message.slice(0, 2000),
          failures,
          id,
          at?.transactionId.toString() ?? null,
          at?.globalPosition.toString() ?? null,
          alone?.streamId ?? null,
          alone?.version ?? null,
          alone?.type ?? null,
          slot,
        ],
      )
      .catch((e: Error) => log(`could not record the failure: ${e.message}`));
  }

  /** The batch's metrics and its log line, with the correlation ids (request ids) whose events it applied. */
  function recordBatch(projection: Projection, slot: Slot, result: BatchResult, seconds: number) {
    const labels = { projection: projection.name, version: String(projection.version), slot };
    metrics.projectionBatches.inc(labels);
    metrics.projectionEvents.inc(labels, result.events.length);
    metrics.projectionBatchDuration.observe({ projection: projection.name, version: labels.version }, seconds);
    batchLog.info(
      {
        projection: projection.name,
        version: projection.version,
        slot,
        events: result.events.length,
        from: result.from,
        to: result.to,
        correlationIds: correlationIdsOf(result),
        ms: Math.round(seconds * 10_000) / 10,
      },
      'batch applied',
    );
  }

  /**
   * Tells web nodes what changed. Sent with the batch's COMMIT (see
   * applyBatch): PostgreSQL delivers it when, and only if, the batch commits,
   * and it costs no transaction of its own. NOTIFY payloads must stay under
   * 8,000 bytes. (If the server's notification queue were ever full, because
   * a listener stopped reading for a long time, the batch fails, retries and
   * shows the error, rather than dropping pushes unseen.)
   */
  function notification(projection: Projection, slot: Slot, result: BatchResult) {
    const message = {
      projection: projection.name,
      version: projection.version,
      checkpoint: result.to,
      // A rebuild's rows are not read until it takes over: only status pages care about its batches.
      ...(slot === 'rebuild' ? { slot, keys: {} } : { keys: result.change.keys }),
      // For the web node's push log line and push latency (lib/live/server.ts).
      correlationIds: correlationIdsOf(result),
      recordedAt: oldestRecordedAt(result),
    };
    let payload = JSON.stringify(message);
    if (payload.length > 7_500) payload = JSON.stringify({ ...message, keys: null });
    return { channel: PROJECTIONS_CHANNEL, payload };
  }

  return {
    id,
    stop: async () => {
      stopped = true;
      unregister();
      wakeAll(true);
      // A batch stuck in the database (a lock wait, a hung handler) must not hold a shutdown:
      // past the limit we leave it; its transaction rolls back when the connection closes.
      const finished = Promise.all(loops).then(() => pool.end());
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, stopTimeoutMs, 'timeout').unref());
      if ((await Promise.race([finished, timeout])) === 'timeout')
        log(`stopped after ${stopTimeoutMs} ms with a batch still running (it rolls back)`);
      await listener.close();
    },
  };
}

/** The distinct correlation ids of the batch's events, the first MAX_CORRELATION_IDS of them. */
function correlationIdsOf(batch: BatchResult): string[] {
  const ids = new Set<string>();
  for (const event of batch.events) {
    if (event.correlationId) ids.add(event.correlationId);
    if (ids.size >= MAX_CORRELATION_IDS) break;
  }
  return [...ids];
}

/** When the batch's oldest event was stored (epoch ms), or null when the read did not say. */
function oldestRecordedAt(batch: BatchResult): number | null {
  let oldest: number | null = null;
  for (const event of batch.events)
    if (event.recordedAtMs !== undefined && (oldest === null || event.recordedAtMs < oldest))
      oldest = event.recordedAtMs;
  return oldest;
}
