/**
 * The app's HTTP server as the benchmarks see it: node:http on 127.0.0.1,
 * the real route handlers of the routes a benchmark calls, and Socket.IO
 * (attachLive) on the same port, as in server.ts, minus Next.js's own
 * routing and rendering (a `next build` is not needed to benchmark).
 *
 * bench/live.ts runs it in a child process of its own by default
 * (`node --import tsx bench/app-server.ts`, talking over IPC), so that the
 * load generator and the 50 Socket.IO clients do not share its event loop,
 * or in-process with BENCH_SERVER=inproc.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { register } from 'node:module';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { attachLive } from '../lib/live/server';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type AppServer = {
  port: number;
  /** This process's CPU time (ms) and event-loop delay (ms) since the last call. */
  stats: () => ServerStats;
  close: () => Promise<void>;
};

export type ServerStats = { cpuMs: number; loopDelayP99: number; loopDelayMax: number };

/**
 * Route handlers by "METHOD path" (`:id`, `:name`, `:version` stand for the
 * path's parameters, as `[id]` does in app/); a module that does not exist
 * (yet) leaves its route out.
 */
const ROUTES: Array<{ method: string; path: string; module: string; name: 'GET' | 'POST' }> = [
  { method: 'POST', path: '/api/orders', module: '@/app/api/orders/route', name: 'POST' },
  { method: 'GET', path: '/api/orders', module: '@/app/api/orders/route', name: 'GET' },
  { method: 'GET', path: '/api/stats/metrics', module: '@/app/api/stats/metrics/route', name: 'GET' },
  { method: 'GET', path: '/api/stats/customers', module: '@/app/api/stats/customers/route', name: 'GET' },
  { method: 'GET', path: '/api/projections', module: '@/app/api/projections/route', name: 'GET' },
  {
    method: 'POST',
    path: '/api/projections/:name/versions/:version/switch',
    module: '@/app/api/projections/[name]/versions/[version]/switch/route',
    name: 'POST',
  },
  {
    method: 'POST',
    path: '/api/projections/:name/rollback',
    module: '@/app/api/projections/[name]/rollback/route',
    name: 'POST',
  },
  { method: 'POST', path: '/api/auth/token', module: '@/app/api/auth/token/route', name: 'POST' },
  { method: 'GET', path: '/api/auth/me', module: '@/app/api/auth/me/route', name: 'GET' },
  { method: 'GET', path: '/api/health', module: '@/app/api/health/route', name: 'GET' },
  { method: 'GET', path: '/api/customers', module: '@/app/api/customers/route', name: 'GET' },
  ...(['ship', 'cancel', 'adjust', 'shipping-address'] as const).map((command) => ({
    method: 'POST',
    path: `/api/orders/:id/${command}`,
    module: `@/app/api/orders/[id]/${command}/route`,
    name: 'POST' as const,
  })),
];

/** The route a request matches, with its path parameters; null for none. */
function routeOf(method: string, url: string): { key: string; params: Record<string, string> } | null {
  const segments = url.split('?')[0]!.split('/');
  for (const route of ROUTES) {
    const pattern = route.path.split('/');
    if (route.method !== method || pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = segments[i]!), true) : p === segments[i])))
      return { key: `${route.method} ${route.path}`, params };
  }
  return null;
}

let serverOnlyRegistered = false;

/** Next.js resolves `server-only` to a no-op on the server (react-server condition); so does this server. */
function registerServerOnly() {
  if (serverOnlyRegistered) return;
  serverOnlyRegistered = true;
  const emptyModule = pathToFileURL(path.resolve('node_modules/server-only/empty.js')).href;
  register(
    'data:text/javascript,' +
      encodeURIComponent(
        `export async function resolve(s, c, n) { return s === 'server-only' ? { url: ${JSON.stringify(emptyModule)}, shortCircuit: true } : n(s, c); }`,
      ),
  );
}

/** DATABASE_URL must be set: the route handlers find the database through it (lib/server/services.ts). */
export async function startAppServer(options: { log?: (line: string) => void } = {}): Promise<AppServer> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('startAppServer needs DATABASE_URL');
  registerServerOnly();
  const handlers = new Map<string, Handler>();
  for (const route of ROUTES) {
    const routeModule = (await import(route.module).catch(() => null)) as Record<string, Handler> | null;
    const handler = routeModule?.[route.name];
    if (handler) handlers.set(`${route.method} ${route.path}`, handler);
  }
  const { getServices } = await import('@/lib/server/services');

  let port = 0;
  const server = createServer((req, res) => void route(req, res));
  async function route(req: IncomingMessage, res: ServerResponse) {
    try {
      const matched = routeOf(req.method ?? 'GET', req.url ?? '/');
      const handler = matched && handlers.get(matched.key);
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const response = await handler(
        new Request(`http://127.0.0.1:${port}${req.url}`, {
          method: req.method,
          headers,
          body: hasBody ? Buffer.concat(chunks) : undefined,
        }),
        { params: Promise.resolve(matched.params) },
      );
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(body);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  }
  // Longer than any pause between requests: a keep-alive socket closed by the server mid-reuse is an ECONNRESET.
  server.keepAliveTimeout = 65_000;
  const live = attachLive(server, { connectionString: url, log: options.log });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;

  let cpuBefore = process.cpuUsage();
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  return {
    port,
    stats() {
      const cpu = process.cpuUsage(cpuBefore);
      cpuBefore = process.cpuUsage();
      const stats = {
        cpuMs: (cpu.user + cpu.system) / 1000,
        loopDelayP99: eld.percentile(99) / 1e6,
        loopDelayMax: eld.max / 1e6,
      };
      eld.reset();
      return stats;
    },
    async close() {
      eld.disable();
      await live.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await getServices().pool.end();
    },
  };
}

// As a child process: { type: 'ready', port } once listening; answers
// { type: 'stats' } with { type: 'stats', stats }; stops on { type: 'stop' }
// or SIGTERM (exiting normally, so that --cpu-prof writes its profile).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const verbose = process.env.BENCH_VERBOSE ? (line: string) => console.error(`[app] ${line}`) : undefined;
  const app = await startAppServer({ log: verbose });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close().catch((error: unknown) => console.error('app server close:', error));
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') process.send?.({ type: 'stats', stats: app.stats() });
    if (message.type === 'stop') void stop();
  });
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => {}); // the parent decides when to stop
  process.on('disconnect', () => void stop());
  process.send?.({ type: 'ready', port: app.port, pid: process.pid });
}
