import type { Queryable } from '../event-store/store';

// Which version of each projection serves reads (projection_serving). Reads
// resolve it once per request and use that version's tables for the whole
// request, so no answer mixes two versions. A switch is one UPDATE of the row
// with a NOTIFY on SERVING_CHANNEL; each process also forgets what it knows
// after SERVING_TTL_MS, so every node follows a switch within that time even
// if it missed the notification. No `server-only`: the live server loads this
// under plain Node.

/** Channel a switch or rollback NOTIFYs, with the projection's name as payload. */
export const SERVING_CHANNEL = 'll_serving';
/** How long a process trusts what it read of the pointer. */
export const SERVING_TTL_MS = 500;

export type Serving = { name: string; version: number; previousVersion: number | null; switchedAt: string };

/** A pg pool or client, or a Prisma client: reads accept either. */
type Source = Queryable | { $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T> };

type Cached = { at: number; rows: Promise<Map<string, Serving>> };
// On globalThis: route handlers are bundled apart from the live server (and
// from each other), each with a copy of this module; the live server's
// forgetServing() on a NOTIFY must reach the pointers they read, or a page
// refetching on the switch's push could still be answered by the old version.
type Shared = {
  // Per source object, so two databases in one process (tests) never share an answer.
  cache: WeakMap<object, Cached>;
  listeners: Set<(name: string) => void>;
  /** Entries read before this moment are stale (a WeakMap cannot be cleared). */
  staleBefore: number;
};
const shared = ((globalThis as unknown as { ledgerlineServing?: Shared }).ledgerlineServing ??= {
  cache: new WeakMap(),
  listeners: new Set(),
  staleBefore: 0,
});
const { cache, listeners } = shared;

const SQL = `SELECT name, version, previous_version, switched_at FROM projection_serving`;
type Row = { name: string; version: number; previous_version: number | null; switched_at: Date };

async function load(source: Source): Promise<Map<string, Serving>> {
  const rows = 'query' in source ? (await source.query<Row>(SQL)).rows : await source.$queryRawUnsafe<Row[]>(SQL);
  return new Map(
    rows.map((r) => [
      r.name,
      {
        name: r.name,
        version: Number(r.version),
        previousVersion: r.previous_version === null ? null : Number(r.previous_version),
        switchedAt: r.switched_at.toISOString(),
      },
    ]),
  );
}

/** Every serving pointer, as this process last read it (at most SERVING_TTL_MS ago). */
export function servingPointers(source: Source): Promise<Map<string, Serving>> {
  const now = Date.now();
  const hit = cache.get(source);
  if (hit && hit.at >= shared.staleBefore && now - hit.at < SERVING_TTL_MS) return hit.rows;
  const rows = load(source);
  cache.set(source, { at: now, rows });
  // A failed read is not remembered: the next request asks again.
  rows.catch(() => cache.get(source)?.rows === rows && cache.delete(source));
  return rows;
}

/** The version of `name` that serves reads. Throws for a projection that has no pointer (a bug: see the migrations). */
export async function servingVersion(source: Source, name: string): Promise<number> {
  const serving = (await servingPointers(source)).get(name);
  if (!serving) throw new Error(`Projection ${name} has no serving version (projection_serving)`);
  return serving.version;
}

/**
 * Forget every pointer read so far (in this process): the next read asks the
 * database. Called on a NOTIFY from SERVING_CHANNEL, and by the switch itself.
 */
export function forgetServing(name?: string) {
  shared.staleBefore = Date.now() + 1;
  if (name) for (const listener of listeners) listener(name);
}

/** Called with the projection's name when this process learns of a switch (see forgetServing). */
export function onServingChange(listener: (name: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
