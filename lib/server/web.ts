// One web process: Next.js for pages and server actions, the JSON API
// straight from node:http (production), and Socket.IO, all on one port.
// server.ts runs one in its own process, or several as cluster workers
// (workers/web.ts), which share the port through the primary.
import { createServer } from 'node:http';
import next from 'next';
import { stampClientAddress } from '../auth/client-address';
import { secureResponses } from '../http/security-headers';
import { closeFeedStreams } from '../feed/registry';
import { attachLive } from '../live/server';
import { answerMetricsCollection } from '../observability/cluster-metrics';
import { NEXT_ROUTE, observeRequest } from '../observability/http';
import { loggerFor } from '../observability/logger';
import { loadApiRouter } from './api-router';
import { allowServerOnlyImports } from './server-only-hook';

/** PORT and HOST, as the primary and every web process read them. */
export function listenAddress() {
  return { port: Number(process.env.PORT ?? 3000), hostname: process.env.HOST ?? '0.0.0.0' };
}

export type WebOptions = { dev: boolean; port: number; hostname: string; connectionString: string };
export type Web = { close: () => Promise<void> };

export async function startWeb(options: WebOptions): Promise<Web> {
  const { dev, port, hostname } = options;
  const app = next({ dev, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  // In production the JSON API skips Next.js (api-router.ts); `next dev` keeps it, for reloads.
  if (!dev) allowServerOnlyImports();
  const api = dev ? null : await loadApiRouter();
  const server = createServer((req, res) => {
    // Sign-in rate limits count per client address: set here, where the socket is known.
    stampClientAddress(req);
    if (api?.serve(req, res)) return;
    observeRequest(req, res, NEXT_ROUTE);
    void handle(req, res);
  });
  const liveLog = loggerFor('live');
  const live = attachLive(server, {
    connectionString: options.connectionString,
    log: (line) => liveLog.info(line),
  });
  // Under server.ts's cluster, the primary gathers every web process's metrics for a scrape.
  answerMetricsCollection();
  // After attachLive, so that Socket.IO's own answers get the headers too.
  secureResponses(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });

  return {
    // Stop taking requests, let the ones in flight finish (5 s at most).
    async close() {
      // Open event streams would hold server.close(); their clients reconnect with Last-Event-ID.
      await closeFeedStreams();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Open WebSockets would hold server.close() for the whole grace period.
      await live.close();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await app.close?.().catch(() => {});
    },
  };
}
