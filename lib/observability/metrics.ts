// Prometheus metrics (prom-client) that each process counts itself: HTTP
// requests, commands, appends, pushes, sockets, the database pool. What the
// database knows (projection lag, positions, states) is read at scrape time
// instead (projection-metrics.ts), so it is right whichever process answers.
// No `import 'server-only'`: the worker and server.ts load this under plain Node.
import client, { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type pg from 'pg';

/** Seconds; from a fast append (~1 ms) to a request that waited for a slow database. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type PoolSource = Pick<pg.Pool, 'totalCount' | 'idleCount' | 'waitingCount'>;

function createProcessMetrics(registry: Registry) {
  const pools = new Map<string, PoolSource>();
  const socketCounts = new Set<() => number>();
  return {
    registry,
    pools,
    socketCounts,
    httpRequests: new Counter({
      name: 'ledgerline_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern (not the raw path) and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'ledgerline_http_request_duration_seconds',
      help: 'Time from a request arriving to its response finishing, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    commands: new Counter({
      name: 'ledgerline_commands_total',
      help: 'Order commands handled, by command type and result (ok, or the error code).',
      labelNames: ['type', 'result'] as const,
      registers: [registry],
    }),
    appendDuration: new Histogram({
      name: 'ledgerline_event_append_duration_seconds',
      help: 'Time an append to the event store took (committed appends, retries included).',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    pushLatency: new Histogram({
      name: 'ledgerline_live_push_latency_seconds',
      help: "Time from a batch's oldest event being recorded to its push being emitted to sockets.",
      labelNames: ['projection'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    pushes: new Counter({
      name: 'ledgerline_live_pushes_total',
      help: 'Projection batches pushed to sockets, by projection.',
      labelNames: ['projection'] as const,
      registers: [registry],
    }),
    sockets: new Gauge({
      name: 'ledgerline_live_sockets',
      help: 'Open Socket.IO connections.',
      registers: [registry],
      collect() {
        let open = 0;
        for (const count of socketCounts) open += count();
        this.set(open);
      },
    }),
    poolConnections: new Gauge({
      name: 'ledgerline_db_pool_connections',
      help: 'Database pool connections by pool and state: total (open), idle, and waiting (requests queued for one).',
      labelNames: ['pool', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [name, pool] of pools) {
          this.set({ pool: name, state: 'total' }, pool.totalCount);
          this.set({ pool: name, state: 'idle' }, pool.idleCount);
          this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
        }
      },
    }),
    projectionBatches: new Counter({
      name: 'ledgerline_projection_batches_total',
      help: 'Projection batches applied by the worker running in this process, by projection, version and slot.',
      labelNames: ['projection', 'version', 'slot'] as const,
      registers: [registry],
    }),
    projectionEvents: new Counter({
      name: 'ledgerline_projection_events_applied_total',
      help: 'Events applied by the worker running in this process, by projection, version and slot.',
      labelNames: ['projection', 'version', 'slot'] as const,
      registers: [registry],
    }),
    projectionBatchDuration: new Histogram({
      name: 'ledgerline_projection_batch_duration_seconds',
      help: 'Time to read and apply one projection batch (worker in this process).',
      labelNames: ['projection', 'version'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}

export type ProcessMetrics = ReturnType<typeof createProcessMetrics>;

const globalForMetrics = globalThis as unknown as { ledgerlineMetrics?: ProcessMetrics };

/**
 * This process's metrics, in prom-client's global registry (the one its
 * AggregatorRegistry collects from web processes in a cluster). On
 * globalThis: Next.js's bundles and the server's own modules are separate
 * module instances in one process, and a metric registered twice throws.
 */
export function processMetrics(): ProcessMetrics {
  if (globalForMetrics.ledgerlineMetrics) return globalForMetrics.ledgerlineMetrics;
  const metrics = createProcessMetrics(client.register);
  client.collectDefaultMetrics({ register: client.register, prefix: 'ledgerline_' });
  globalForMetrics.ledgerlineMetrics = metrics;
  return metrics;
}

/** Reports `pool`'s connections as `ledgerline_db_pool_connections{pool=name}`. */
export function watchPool(name: string, pool: PoolSource) {
  processMetrics().pools.set(name, pool);
}

/** Counts the sockets `count` reports in `ledgerline_live_sockets`; returns the function that stops it. */
export function watchSockets(count: () => number): () => void {
  const { socketCounts } = processMetrics();
  socketCounts.add(count);
  return () => void socketCounts.delete(count);
}

/** Seconds since `started` (a performance.now() reading). */
export const secondsSince = (started: number) => (performance.now() - started) / 1000;
