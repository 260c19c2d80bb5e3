/**
 * The server users run, as the benchmarks start it: `npm start`
 * (scripts/start.ts: `next build` when the sources are newer than the last
 * build, then server.ts in production mode, with the projection worker), or
 * `npm run start:web` plus `npm run start:worker` (web and worker apart), on
 * the bench's own database and a free port. Every figure the benches print
 * about "the real server" comes from a process started here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { processCpuMs } from './support';

// The servers a bench starts keep what they write beside the database (the
// ledger's key and exported heads) in a folder of the run's own, not in the
// app's ./.data: a bench database is dropped at the end, and so is this.
const runDataDir = mkdtempSync(path.join(os.tmpdir(), 'ledgerline-bench-'));
process.env.LEDGERLINE_DATA_DIR = runDataDir;
process.on('exit', () => rmSync(runDataDir, { recursive: true, force: true }));

export type ProductServer = {
  kind: string;
  port: number;
  /** The server's pid (web), and the worker's when it runs apart. */
  pids: () => number[];
  /** CPU time (ms) of the server's processes (web, its children, the worker when apart). */
  cpuMs: () => number;
  /** Resident memory (MB) of the same processes, summed. */
  rssMb: () => number;
  stop: () => Promise<void>;
};

export type ProductServerOptions = {
  /** 'with-worker': `npm start`; 'apart': `start:web` and `start:worker`. */
  worker: 'with-worker' | 'apart';
  /** Write V8 CPU profiles of every process into this folder. */
  cpuProfDir?: string | null;
  /** More environment for the server (e.g. LEDGERLINE_WEB_PROCESSES). */
  env?: Record<string, string>;
  log?: (line: string) => void;
};

export async function startProductServer(databaseUrl: string, options: ProductServerOptions): Promise<ProductServer> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...options.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  const prof = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  // As package.json's scripts run them: `tsx scripts/start.ts [--no-worker]`, `tsx workers/projector.ts`.
  const web = spawnLogged(
    [...prof, '--import', 'tsx', 'scripts/start.ts', ...(options.worker === 'apart' ? ['--no-worker'] : [])],
    env,
    options.log,
  );
  const children = [web];
  try {
    // A first start builds the app (`next build`, a minute or two).
    await web.waitFor(/Ledgerline ready on/, 300_000);
    if (options.worker === 'apart') children.push(await startWorkerProcess(env, prof, options.log));
  } catch (error) {
    await Promise.all(children.map((c) => c.stop()));
    throw error;
  }
  const pids = () => children.flatMap((c) => [c.child.pid!, ...childPids(c.child.pid!)]);
  return {
    kind:
      options.worker === 'apart'
        ? `npm run start:web + npm run start:worker (pids ${pids().join(', ')})`
        : `npm start (server.ts with its worker, pid ${web.child.pid})`,
    port,
    pids,
    cpuMs: () => pids().reduce((sum, pid) => sum + processCpuMs(pid), 0),
    rssMb: () => pids().reduce((sum, pid) => sum + rssMb(pid), 0),
    // Web last: the worker apart stops first, as an operator would stop it.
    stop: async () => {
      for (const c of children.reverse()) await c.stop();
    },
  };
}

/** `npm run start:worker` (workers/projector.ts) on `env`'s DATABASE_URL: for web and worker apart, and the bare handlers. */
export async function startWorkerProcess(
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
  log?: (line: string) => void,
) {
  const worker = spawnLogged([...nodeFlags, '--import', 'tsx', 'workers/projector.ts'], env, log);
  try {
    await worker.waitFor(/Projection worker .* started/, 60_000);
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}

type Logged = {
  child: ChildProcess;
  waitFor: (line: RegExp, ms: number) => Promise<void>;
  stop: () => Promise<void>;
};

function spawnLogged(args: string[], env: NodeJS.ProcessEnv, log?: (line: string) => void): Logged {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const watchers: Array<{ line: RegExp; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      log?.(line);
      if (/error|failed/i.test(line) && !log) console.error(`[server] ${line}`);
      for (let i = watchers.length - 1; i >= 0; i--)
        if (watchers[i]!.line.test(line)) watchers.splice(i, 1)[0]!.resolve();
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    child,
    waitFor: (line, ms) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: no "${line.source}" in ${ms} ms`)), ms);
        child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited early (${code})`)));
        watchers.push({
          line,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    // SIGTERM: the graceful shutdown users get (and --cpu-prof writes its profile on the normal exit).
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Direct children of `pid` (web processes forked by the server), from /proc. */
function childPids(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) found.push(Number(entry));
      } catch {
        /* exited meanwhile */
      }
    }
  } catch {
    /* no /proc */
  }
  return found;
}

export function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
