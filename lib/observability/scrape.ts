import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Gauge, Registry } from 'prom-client';
import { PROJECTIONS } from '../read-models';
import type { Queryable } from '../event-store/store';
import { localOrClusterMetrics } from './cluster-metrics';
import { errorMessage, loggerFor } from './logger';
import { processMetrics } from './metrics';
import { projectionRegistry } from './projection-metrics';

const log = loggerFor('metrics');
const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether the request carries LEDGERLINE_METRICS_TOKEN as its bearer token
 * (a Prometheus scrape config's `authorization: { credentials: … }`).
 * Compared in constant time, over digests so the lengths match too.
 */
export function hasScrapeToken(req: Request): boolean {
  const expected = process.env.LEDGERLINE_METRICS_TOKEN;
  if (!expected) return false;
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(expected));
}

/**
 * The exposition text: the counters of this process (or of every web process
 * and the primary, under a cluster), then what the database says about the
 * projections now. A database that does not answer leaves the process
 * metrics and says so in ledgerline_database_up.
 */
export async function scrape(db: Queryable): Promise<string> {
  processMetrics(); // registered before the first request has counted anything
  const counted = await localOrClusterMetrics();
  const up = new Registry();
  const gauge = new Gauge({
    name: 'ledgerline_database_up',
    help: 'Whether the projection figures below could be read from the database at this scrape (1) or not (0).',
    registers: [up],
  });
  let projections = '';
  try {
    projections = await (await projectionRegistry(db, PROJECTIONS)).metrics();
    gauge.set(1);
  } catch (error) {
    log.warn({ err: errorMessage(error) }, 'projection metrics unreadable');
    gauge.set(0);
  }
  return [counted, await up.metrics(), projections].filter(Boolean).join('\n');
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
