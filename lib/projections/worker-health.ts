// Whether a projection worker runs in this process, and whether it still
// turns: the readiness check (GET /api/health/ready) asks, where the worker
// runs beside the web (server.ts without --no-worker). On globalThis: the
// route handlers may be a separate module instance (Next.js's bundle).

export type WorkerHealth = { id: string; running: boolean; lastTurnMs: number };

type Entry = { id: string; stopped: () => boolean; lastTurn: () => number };
const globalForWorkers = globalThis as unknown as { ledgerlineWorkers?: Set<Entry> };
const workers = (globalForWorkers.ledgerlineWorkers ??= new Set());

/** A loop that has not turned for this long is stuck (loops turn at least every few seconds, even a standby). */
export const STUCK_AFTER_MS = 30_000;

export function registerWorker(entry: Entry): () => void {
  workers.add(entry);
  return () => void workers.delete(entry);
}

/** The workers of this process; empty when it runs none. */
export function workersHealth(now = Date.now()): WorkerHealth[] {
  return [...workers].map((w) => {
    const lastTurnMs = now - w.lastTurn();
    return { id: w.id, running: !w.stopped() && lastTurnMs < STUCK_AFTER_MS, lastTurnMs };
  });
}
