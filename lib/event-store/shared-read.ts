import { comparePositions } from './position';
import type { ReadAllResult } from './store';
import type { RecordedEvent } from './types';

export type ReadAll<E extends { position: string } = RecordedEvent> = (options: {
  after?: string;
  limit?: number;
}) => Promise<ReadAllResult<E>>;

type Cached<E> = { after: string; limit: number; result: ReadAllResult<E>; at: number };

/**
 * How long a read may be handed out again, and how many are kept. Short on
 * purpose: the readers that share are those that asked together. A reader
 * that fell behind must read afresh: were it handed the others' earlier
 * reads, it would walk through them one small batch (and one batch interval)
 * at a time, and stay behind for as long as they keep reading.
 */
const MAX_AGE_MS = 10;
const KEEP = 8;

/**
 * readAll shared by the readers of one process (the projections of one
 * worker), which mostly ask for the same events at the same moment: a read
 * already in flight from the same position is awaited instead of repeated,
 * and the events of a read made a few milliseconds ago are handed to a
 * reader whose position lies within them.
 *
 * Handing out an earlier read is exact, not approximate. A read returns, in
 * (transaction id, position) order, events whose transaction is below the
 * horizon (pg_snapshot_xmin) of its moment. Every transaction below that
 * horizon had ended, so that set of events can never change again; and every
 * event that becomes readable later has a transaction id at or above the
 * horizon, so it sorts after all of them. What an earlier read returned after
 * a position is therefore a prefix of what a fresh read would return: the
 * reader gets fewer events at most, never other ones, and asks again. An
 * empty read is never handed out again: by now there may be something.
 */
export function createSharedReadAll<E extends { position: string }>(readAll: ReadAll<E>): ReadAll<E> {
  const inFlight = new Map<string, Promise<ReadAllResult<E>>>();
  let recent: Cached<E>[] = [];

  return async ({ after = '0:0', limit = 1000 }) => {
    const key = `${after}/${limit}`;
    const pending = inFlight.get(key);
    if (pending) return pending;

    const now = performance.now();
    recent = recent.filter((c) => now - c.at <= MAX_AGE_MS);
    for (const cached of recent) {
      const served = suffix(cached, after, limit);
      if (served) return served;
    }

    const read = readAll({ after, limit }).finally(() => inFlight.delete(key));
    inFlight.set(key, read);
    const result = await read;
    if (result.events.length > 0) {
      recent.push({ after, limit, result, at: performance.now() });
      if (recent.length > KEEP) recent = recent.slice(-KEEP);
    }
    return result;
  };
}

/** The events of `cached` after `after` (at most `limit`), when `after` lies within it and some are left. */
function suffix<E extends { position: string }>(
  cached: Cached<E>,
  after: string,
  limit: number,
): ReadAllResult<E> | null {
  const { events } = cached.result;
  let start: number;
  if (after === cached.after) start = 0;
  else {
    // `after` must be one of the read's own events: only then is nothing
    // between it and the next cached event missing.
    const at = events.findIndex((e) => e.position === after);
    if (at < 0) return null;
    start = at + 1;
  }
  if (start >= events.length) return null;
  const slice = events.slice(start, start + limit);
  const end = start + slice.length === events.length ? cached.result.checkpoint : slice.at(-1)!.position;
  // A checkpoint never goes backwards (it cannot here; this keeps it obvious).
  if (comparePositions(end, after) <= 0) return null;
  return { events: slice, checkpoint: end };
}

/**
 * readAll for one reader that works through a backlog: after handing out a
 * full batch it starts reading the next one at once (after that batch's
 * checkpoint, as many events as `nextLimit()` says the reader will ask for
 * next; null: none), so the reading of batch n + 1 overlaps
 * whatever the reader does with batch n (a projection applies it, on
 * another connection). The next call gets that read when it asks for exactly
 * it (same position, same limit); any other call drops it and reads afresh.
 *
 * Exact for the same reason as createSharedReadAll: a read returns events
 * whose transactions had all ended, in their final order, so what it found
 * after a position is a prefix of what any later read finds there. A read
 * ahead that found nothing, or failed, is not handed out: the call reads
 * afresh (by now there may be something; the failure may have passed).
 */
export function createReadAhead<E extends { position: string }>(
  readAll: ReadAll<E>,
  nextLimit: () => number | null,
): ReadAll<E> {
  let ahead: { after: string; limit: number; read: Promise<ReadAllResult<E> | null> } | null = null;
  return async ({ after = '0:0', limit = 1000 }) => {
    const pending = ahead;
    ahead = null;
    let result = pending && pending.after === after && pending.limit === limit ? await pending.read : null;
    if (!result || result.events.length === 0) result = await readAll({ after, limit });
    const next = result.events.length >= limit ? nextLimit() : null;
    if (next !== null) {
      ahead = {
        after: result.checkpoint,
        limit: next,
        read: readAll({ after: result.checkpoint, limit: next }).catch(() => null),
      };
    }
    return result;
  };
}
