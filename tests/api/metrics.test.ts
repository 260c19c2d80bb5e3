import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, customerAt, expectError, orderBody, type ApiResponse, type Handler } from './helpers';
import { waitForProjections } from './helpers';
import { GET as metricsRoute } from '../../app/api/metrics/route';
import { GET as projectionsRoute } from '../../app/api/projections/route';
import { POST as placeOrderRoute } from '../../app/api/orders/route';
import { POST as cancelRoute } from '../../app/api/orders/[id]/cancel/route';
import { parsePosition } from '../../lib/event-store';
import { PROJECTIONS } from '../../lib/read-models';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { isolatedDatabase } from '../support/db';

// Its own database, so that the projections' lag and positions are this
// file's alone and the scrape can be compared with /api/projections exactly.
const databaseUrl = await isolatedDatabase();
process.env.DATABASE_URL = databaseUrl;
const SCRAPE_TOKEN = `scrape-${randomUUID()}`;
process.env.LEDGERLINE_METRICS_TOKEN = SCRAPE_TOKEN;

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus text exposition (comments left out). */
function parseExposition(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) return [];
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

async function scrape(): Promise<Sample[]> {
  const res = await call(metricsRoute as Handler, '/api/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseExposition(res.body as string);
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;

let worker: ProjectionWorker | undefined;
let customer: string;

beforeAll(async () => {
  customer = await customerAt(240);
  worker = startProjectionWorker({ connectionString: databaseUrl, projections: PROJECTIONS, pollMs: 20 });
});

afterAll(async () => {
  await worker?.stop();
});

describe('GET /api/metrics', () => {
  it('counts N commands by type and result, and an append for each', async () => {
    const before = await scrape();
    const N = 5;
    let last = '';
    for (let i = 0; i < N; i++) {
      const res = await call(placeOrderRoute as Handler, '/api/orders', { body: orderBody(customer) });
      expect(res.status).toBe(201);
      last = res.body.position;
    }
    const refused = await call(cancelRoute as Handler, `/api/orders/${randomUUID()}/cancel`, {
      id: randomUUID(),
      body: { reason: 'No such order' },
    });
    expect(refused.status).toBe(404);
    const after = await scrape();

    const placed = { type: 'PlaceOrder', result: 'ok' };
    expect(
      valueOf(after, 'ledgerline_commands_total', placed) - valueOf(before, 'ledgerline_commands_total', placed),
    ).toBe(N);
    const notFound = { type: 'CancelOrder', result: 'NOT_FOUND' };
    expect(
      valueOf(after, 'ledgerline_commands_total', notFound) - valueOf(before, 'ledgerline_commands_total', notFound),
    ).toBe(1);
    const appends = (s: Sample[]) => valueOf(s, 'ledgerline_event_append_duration_seconds_count', {});
    expect(appends(after) - appends(before)).toBe(N);
    expect(valueOf(after, 'ledgerline_db_pool_connections', { pool: 'web', state: 'total' })).toBeGreaterThan(0);
    expect(after.some((s) => s.name === 'ledgerline_live_sockets')).toBe(true);
    await waitForProjections(last);
  });

  it("reports the projections' lag, positions, throughput and states exactly as /api/projections does", async () => {
    // Nothing else writes this database, but the worker's heartbeat still moves eventsPerSecond (to 0 once
    // idle): the scrape is compared with /api/projections when a read before it and one after it agree.
    let body: ApiResponse['body'];
    let samples: Sample[] = [];
    for (let attempt = 1; ; attempt++) {
      body = (await call(projectionsRoute as Handler, '/api/projections')).body;
      samples = await scrape();
      const again = (await call(projectionsRoute as Handler, '/api/projections')).body;
      const versions = (b: typeof body) => b.projections.map((p: { versions: unknown[] }) => p.versions);
      if (JSON.stringify(versions(again)) === JSON.stringify(versions(body))) break;
      expect(attempt, 'two reads of /api/projections never agreed').toBeLessThan(20);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(body.projections.length).toBe(new Set(PROJECTIONS.map((p) => p.name)).size);
    for (const projection of body.projections) {
      expect(valueOf(samples, 'ledgerline_projection_serving_version', { projection: projection.name })).toBe(
        projection.servingVersion,
      );
      for (const v of projection.versions) {
        const labels = { projection: projection.name, version: String(v.version), slot: 'main' };
        expect(valueOf(samples, 'ledgerline_projection_position', labels)).toBe(
          Number(parsePosition(v.position).globalPosition),
        );
        expect(valueOf(samples, 'ledgerline_projection_lag_events', labels)).toBe(v.lagEvents);
        expect(valueOf(samples, 'ledgerline_projection_events_per_second', labels)).toBe(v.eventsPerSecond);
        expect(
          valueOf(samples, 'ledgerline_projection_version_state', {
            projection: projection.name,
            version: String(v.version),
            state: v.state,
          }),
          `${projection.name} v${v.version} ${v.state}`,
        ).toBe(1);
        expect(valueOf(samples, 'ledgerline_projection_events_processed', labels)).toBeGreaterThan(0);
      }
    }
    expect(valueOf(samples, 'ledgerline_database_up', {})).toBe(1);
    // The worker in this process counted the batches it applied.
    expect(samples.some((s) => s.name === 'ledgerline_projection_events_applied_total' && s.value > 0)).toBe(true);
  });

  it('counts HTTP requests by route pattern, not by raw path', async () => {
    const { loadApiRouter } = await import('../../lib/server/api-router');
    const { createServer } = await import('node:http');
    const router = await loadApiRouter();
    const server = createServer((req, res) => {
      if (!router.serve(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const before = await scrape();
      const route = { method: 'GET', route: '/api/orders/[id]', status: '404' };
      for (const id of [randomUUID(), randomUUID()]) {
        const res = await fetch(`http://127.0.0.1:${port}/api/orders/${id}`, {
          headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
        });
        // Not a session: the scrape token opens /api/metrics only.
        expect(res.status).toBe(401);
      }
      const after = await scrape();
      const unauth = { ...route, status: '401' };
      expect(
        valueOf(after, 'ledgerline_http_requests_total', unauth) -
          valueOf(before, 'ledgerline_http_requests_total', unauth),
      ).toBe(2);
      expect(
        after.some((s) => s.name === 'ledgerline_http_requests_total' && /[0-9a-f]{8}-/.test(s.labels.route ?? '')),
      ).toBe(false);
      expect(valueOf(after, 'ledgerline_http_request_duration_seconds_count', unauth)).toBeGreaterThanOrEqual(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('lets operators and the scrape token in, nobody else', async () => {
    for (const role of ['viewer', 'clerk'] as const)
      expectError(await call(metricsRoute as Handler, '/api/metrics', { as: role }), 403, 'FORBIDDEN');
    expectError(await call(metricsRoute as Handler, '/api/metrics', { as: null }), 401, 'UNAUTHENTICATED');
    const wrong = await call(metricsRoute as Handler, '/api/metrics', {
      headers: { authorization: `Bearer ${SCRAPE_TOKEN}x` },
    });
    expectError(wrong, 401, 'UNAUTHENTICATED');
    const scraper = await call(metricsRoute as Handler, '/api/metrics', {
      headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
    });
    expect(scraper.status).toBe(200);
    expect(scraper.body).toContain('# TYPE ledgerline_commands_total counter');
  });
});
