import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../lib/db/embedded';
import { livePostmaster } from '../../lib/db/postmaster';

// The app, the projection worker and the embedded PostgreSQL as three real
// processes on a data directory of their own, for tests that SIGKILL them.
// The app (tests/support/app-child.ts) starts the server; the worker
// (workers/projector.ts, as `npm run start:worker` runs it) attaches to it;
// both supervise it. With `external`, the test starts the server itself and
// hands it to both as DATABASE_URL, as any other PostgreSQL: nobody but the
// test restarts it then.

export const FAULT_DEMO_PASSWORD = 'fault-suite-password';

export type Cluster = {
  dataDir: string;
  /** The database the app uses, for the test's own checks. */
  databaseUrl: string;
  /** The app's current HTTP port (it changes when the app restarts). */
  appPort: () => number;
  startApp: () => Promise<void>;
  startWorker: () => Promise<void>;
  killApp: () => Promise<void>;
  killWorker: () => Promise<void>;
  /** SIGKILLs the postmaster; returns its pid. */
  killPostmaster: () => number;
  /** `external` only: starts the server again, as an operator would. */
  restartPostgres: () => Promise<void>;
  /** The last lines the processes printed, for a failure's report. */
  logs: () => string[];
  stop: () => Promise<void>;
};

export async function startCluster(options: { external?: boolean } = {}): Promise<Cluster> {
  const root = path.resolve('.data/test-fault', `${process.pid}-${Date.now()}`);
  const dataDir = path.join(root, 'pg');
  const pgPort = await freePort();
  const lines: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LEDGERLINE_DATA_DIR: root,
    LEDGERLINE_PG_PORT: String(pgPort),
    LEDGERLINE_DEMO_PASSWORD: FAULT_DEMO_PASSWORD,
    LEDGERLINE_MIN_BATCH_INTERVAL_MS: '20',
    // The worker says it started at info (under vitest the logger defaults to warn), and the kept lines explain a failure.
    LOG_LEVEL: 'info',
  };
  // Always an embedded server: only a server of our own may be killed.
  delete env.DATABASE_URL;
  const databaseUrl = `postgresql://postgres:ledgerline@127.0.0.1:${pgPort}/ledgerline`;
  let external: EmbeddedDatabase | null = null;
  const startExternal = async () => {
    external = await startEmbeddedPostgres({
      dataDir,
      database: 'ledgerline',
      port: pgPort,
      supervise: false,
      notice: (line) => lines.push(`[test] ${line}`),
    });
  };
  if (options.external) {
    await startExternal();
    env.DATABASE_URL = databaseUrl;
  }
  let app: ChildProcess | null = null;
  let worker: ChildProcess | null = null;
  let port = 0;

  /** Spawns `entry` and resolves with the first output line matching `ready`. */
  function run(name: string, entry: string, ready: RegExp) {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise<{ child: ChildProcess; match: RegExpMatchArray }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
      const onLine = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(`[${name} ${child.pid}] ${line}`);
          if (lines.length > 400) lines.shift();
          const match = line.match(ready);
          if (match) {
            clearTimeout(timer);
            resolve({ child, match });
          }
        }
      };
      child.stdout!.on('data', onLine);
      child.stderr!.on('data', onLine);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        lines.push(`[${name} ${child.pid}] exited (${signal ?? code})`);
        reject(new Error(`${name} exited before it was ready (${signal ?? code})`));
      });
    });
  }

  async function kill(child: ChildProcess | null) {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  const cluster: Cluster = {
    dataDir,
    databaseUrl,
    appPort: () => port,
    async startApp() {
      const started = await run('app', 'tests/support/app-child.ts', /^ready (\d+)$/);
      app = started.child;
      port = Number(started.match[1]);
    },
    async startWorker() {
      worker = (await run('worker', 'workers/projector.ts', /Projection worker .* started/)).child;
    },
    killApp: () => kill(app),
    killWorker: () => kill(worker),
    killPostmaster() {
      const postmaster = livePostmaster(dataDir);
      if (!postmaster) throw new Error('no postmaster to kill');
      process.kill(postmaster.pid, 'SIGKILL');
      return postmaster.pid;
    },
    async restartPostgres() {
      if (!options.external) throw new Error('the embedded server restarts itself');
      await startExternal();
    },
    logs: () => [...lines],
    async stop() {
      for (const child of [worker, app]) {
        if (!child || child.exitCode !== null || child.signalCode !== null) continue;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(12_000)]);
        await kill(child);
      }
      await (external as EmbeddedDatabase | null)?.stop();
      // A server orphaned by a killed app belongs to nobody now: stop it (fast shutdown).
      const orphan = livePostmaster(dataDir);
      if (orphan) {
        process.kill(orphan.pid, 'SIGINT');
        for (const deadline = Date.now() + 10_000; livePostmaster(dataDir) && Date.now() < deadline;) await sleep(50);
      }
      await rm(root, { recursive: true, force: true });
    },
  };
  return cluster;
}

function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
