// Every HTTP request the server answers: its request id (in and out), one
// log line and the request metrics, labelled with the route pattern
// (`/api/orders/[id]`, never the raw path, so the series stay few).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loggerFor } from './logger';
import { processMetrics, secondsSince } from './metrics';
import { assignRequestId } from './request-id';

const log = loggerFor('http');

/** Label of requests Next.js answers (pages, assets, server actions, unknown paths). */
export const NEXT_ROUTE = '(next)';

export function observeRequest(req: IncomingMessage, res: ServerResponse, route: string): string {
  const started = performance.now();
  const requestId = assignRequestId(req, res);
  const method = req.method ?? 'GET';
  res.once('close', () => {
    // A client that went away before the answer shows as 499, as nginx logs it.
    const status = res.writableFinished ? String(res.statusCode) : '499';
    const seconds = secondsSince(started);
    const metrics = processMetrics();
    metrics.httpRequests.inc({ method, route, status });
    metrics.httpDuration.observe({ method, route, status }, seconds);
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    log.info(
      {
        requestId,
        method,
        route,
        path: query === -1 ? url : url.slice(0, query),
        status: Number(status),
        ms: Math.round(seconds * 10_000) / 10,
      },
      'request',
    );
  });
  return requestId;
}
