import type pg from 'pg';

// Global order is (transaction_id, global_position), transaction_id being the
// 64-bit id of the writing transaction (xid8). That holds only while the
// cluster's transaction counter is ahead of every id already stored. A dump
// restored into a new cluster (pg_dump/pg_restore, or a logical copy) keeps
// the old ids in the rows while the new cluster counts from a few hundred:
// every new event would then sort BEFORE the old ones, so projections, whose
// checkpoints are past them, would skip them without an error; and readAll,
// which returns only ids below the running horizon, would hide the old events
// from a rebuild. (A physical backup, pg_basebackup or a file copy, keeps the
// counter and is not affected.)
//
// The cure is to move the counter past the stored ids before anything writes.
// Each transaction that takes an id moves it by one; a DO block that COMMITs in
// a loop does ~400,000 a second here, so gaps from a normal application's
// history close in seconds. A gap too big for that is refused with the offline
// cure: pg_resetwal --epoch, which raises the upper 32 bits of every new id.

/** How far the counter may be moved by burning ids (~4 minutes at the rate above). */
export const DEFAULT_MAX_ADVANCE = 100_000_000n;
const BURN_BATCH = 1_000_000;

export type CounterCheck = {
  /** The highest transaction id stored in events or projection checkpoints (0 when none). */
  storedMax: bigint;
  /** The id the next transaction will get. */
  next: bigint;
};

export class TransactionCounterBehindError extends Error {
  readonly code = 'TRANSACTION_COUNTER_BEHIND';
  constructor(readonly check: CounterCheck) {
    const epoch = check.storedMax >> 32n;
    super(
      `This database holds events written by transaction ${check.storedMax}, but this PostgreSQL cluster's ` +
        `next transaction id is ${check.next}: it was probably restored from a dump into a new cluster. New ` +
        `events would sort before the old ones and projections would skip them, so nothing is started. The gap ` +
        `(${check.storedMax - check.next + 1n} ids) is more than this check closes by itself. Stop PostgreSQL and ` +
        `run \`pg_resetwal --epoch=${epoch + 1n} -D <data directory>\` (new transaction ids then start above ` +
        `${(epoch + 1n) << 32n}), or raise LEDGERLINE_MAX_XID_ADVANCE and start again.`,
    );
    this.name = 'TransactionCounterBehindError';
  }
}

/**
 * Where the counter stands against what is stored. Reads two index ends;
 * writes nothing. (ORDER BY names the table's column: a bare name would sort
 * the text copy, where "99999" comes after "1000000".)
 */
export async function checkTransactionCounter(db: pg.Pool | pg.ClientBase): Promise<CounterCheck> {
  const { rows } = await db.query<{ events_max: string | null; checkpoints_max: string | null; next: string }>(
    `SELECT (SELECT transaction_id::text FROM events ORDER BY events.transaction_id DESC LIMIT 1) AS events_max,
            (SELECT max(transaction_id)::text FROM projection_checkpoints) AS checkpoints_max,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
  );
  const row = rows[0]!;
  const storedMax = [row.events_max, row.checkpoints_max].reduce<bigint>(
    (max, value) => (value !== null && BigInt(value) > max ? BigInt(value) : max),
    0n,
  );
  return { storedMax, next: BigInt(row.next) };
}

/**
 * Makes sure the next transaction id is above every stored one, burning ids
 * when it is not and the gap is at most `maxAdvance`; otherwise throws
 * TransactionCounterBehindError. Returns how many ids were burnt (0 normally).
 * Safe with several nodes starting at once: each only ever moves the counter forward.
 */
export async function ensureTransactionCounterAhead(
  pool: pg.Pool,
  options: { maxAdvance?: bigint; log?: (line: string) => void } = {},
): Promise<bigint> {
  const maxAdvance = options.maxAdvance ?? DEFAULT_MAX_ADVANCE;
  const first = await checkTransactionCounter(pool);
  if (first.next > first.storedMax) return 0n;
  const gap = first.storedMax - first.next + 1n;
  if (gap > maxAdvance) throw new TransactionCounterBehindError(first);
  options.log?.(
    `Stored transaction ids reach ${first.storedMax} but the next id is ${first.next} (a restore into a new ` +
      `cluster?): advancing the counter by ${gap} so new events sort after the old ones…`,
  );
  const client = await pool.connect();
  try {
    // Asynchronous commit: these transactions write nothing worth waiting for.
    await client.query('SET synchronous_commit = off');
    for (let check = first; check.next <= check.storedMax; check = await checkTransactionCounter(client)) {
      const burn = Math.min(Number(check.storedMax - check.next + 1n), BURN_BATCH);
      // Outside a transaction block, a DO block may COMMIT: each loop turn is
      // a transaction of its own that takes one id.
      await client.query(`DO $$
        BEGIN
          FOR i IN 1..${burn} LOOP
            PERFORM pg_current_xact_id();
            COMMIT;
          END LOOP;
        END $$`);
    }
    await client.query('RESET synchronous_commit');
  } finally {
    client.release();
  }
  return gap;
}
