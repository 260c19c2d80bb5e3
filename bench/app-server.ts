/**
 * The bare handlers, for comparison with the real server: node:http on
 * 127.0.0.1, every route handler of app/api through the same router as
 * production (lib/server/api-router.ts), and Socket.IO (attachLive) on the
 * same port, without Next.js (no `next build` needed), the web processes or
 * the security headers around them.
 *
 * The benches run it as a child process (spawnBareServer below, talking over
 * IPC), so that the load generator does not share its event loop; the tests
 * that SIGKILL the app run it through tests/support/app-child.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { attachLive } from '../lib/live/server';
import { loadApiRouter } from '../lib/server/api-router';
import { allowServerOnlyImports } from '../lib/server/server-only-hook';

export type AppServer = {
  port: number;
  /** This process's CPU time (ms) and event-loop delay (ms) since the last call. */
  stats: () => ServerStats;
  close: () => Promise<void>;
};

export type ServerStats = { cpuMs: number; loopDelayP99: number; loopDelayMax: number };

/** DATABASE_URL must be set: the route handlers find the database through it (lib/server/services.ts). */
export async function startAppServer(options: { log?: (line: string) => void } = {}): Promise<AppServer> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('startAppServer needs DATABASE_URL');
  allowServerOnlyImports();
  const api = await loadApiRouter();
  const { getServices } = await import('@/lib/server/services');
  const server = createServer((req, res) => {
    if (!api.serve(req, res)) res.writeHead(404).end();
  });
  // Longer than any pause between requests: a keep-alive socket closed by the server mid-reuse is an ECONNRESET.
  server.keepAliveTimeout = 65_000;
  const live = attachLive(server, { connectionString: url, log: options.log });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

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

export type BareServer = {
  kind: string;
  port: number;
  pid: number;
  /** CPU and event-loop delay since the last call, over IPC; null once the child is gone. */
  stats: () => Promise<ServerStats | null>;
  stop: () => Promise<void>;
};

/**
 * This file as a child process (`node --import tsx bench/app-server.ts`), so
 * that its event loop and CPU are its own: the "bare handlers" row beside
 * the real server's (bench/product-server.ts).
 */
export async function spawnBareServer(databaseUrl: string, cpuProfDir?: string | null): Promise<BareServer> {
  const entry = 'bench/app-server.ts';
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...prof, '--import', 'tsx', entry], {
    // Its output goes to the bench's terminal: no line per request there (it says it is ready over IPC).
    env: { LOG_LEVEL: 'warn', ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('app server did not start in 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`app server exited early (${code})`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({ port: message.port! });
      }
    });
  });
  const waiting: Array<(stats: ServerStats | null) => void> = [];
  child.on('message', (message: { type?: string; stats?: ServerStats }) => {
    if (message.type === 'stats') waiting.shift()?.(message.stats ?? null);
  });
  return {
    kind: `bare handlers (node --import tsx ${entry}, pid ${child.pid})`,
    port: ready.port,
    pid: child.pid!,
    stats: () =>
      new Promise((resolve) => {
        if (!child.connected) return resolve(null);
        waiting.push(resolve);
        child.send({ type: 'stats' });
      }),
    stop: async () => {
      if (child.connected) child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
