import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { MIGRATIONS_DIR } from './migration-status';
import { loggerFor } from '../observability/logger';

// Prisma's CLI migrate commands need the native schema engine, which cannot be
// downloaded offline. The same engine ships as WebAssembly and drives
// PostgreSQL through the pg driver adapter; it writes the standard
// `_prisma_migrations` table, so a database migrated here is equally valid for
// `prisma migrate deploy` on a machine with internet.

const ROOT = process.cwd();
const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');

const LOCKFILE = 'migration_lock.toml';
const NO_FILTERS = { externalTables: [], externalEnums: [] };

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

/**
 * The pg adapter runs a migration script by splitting it on ";", which cuts
 * function bodies ($$ … $$) apart. PostgreSQL's simple query protocol takes
 * the whole script at once (and runs it atomically), so send it that way.
 */
class ScriptSafePrismaPg extends PrismaPg {
  // engine.free() leaves the adapters' pools open, and their idle connections
  // keep a short-lived process (a CLI, a migration) alive for pg's idle timeout.
  readonly opened: Array<{ dispose(): Promise<void> }> = [];
  override async connect() {
    return this.keep(wholeScripts(await super.connect()));
  }
  override async connectToShadowDb() {
    return this.keep(wholeScripts(await super.connectToShadowDb()));
  }
  private keep<T extends { dispose(): Promise<void> }>(adapter: T): T {
    this.opened.push(adapter);
    return adapter;
  }
}

function wholeScripts<T>(adapter: T): T {
  const target = adapter as unknown as {
    client: { query(sql: string): Promise<unknown> };
    onError(error: unknown): never;
    executeScript(script: string): Promise<void>;
  };
  target.executeScript = async (script: string) => {
    try {
      await target.client.query(script);
    } catch (error) {
      target.onError(error);
    }
  };
  return adapter;
}

let wasmReady: Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> | undefined;

/** Instantiates the wasm module once; its ESM entry imports a .wasm file, which plain Node rejects. */
function loadWasm() {
  wasmReady ??= (async () => {
    const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    // The .wasm file is not in the package's exports; find it beside the JS entry.
    const wasmPath = path.join(
      path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
      'schema_engine_bg.wasm',
    );
    const compiled = await WebAssembly.compile(await readFile(wasmPath));
    // The engine arms 10 s timers beside its operations and never clears them (it imports no
    // clearTimeout); unref'd, they no longer keep a finished CLI or migration process alive.
    const imports: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_')))
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    const instance = await WebAssembly.instantiate(compiled, { './schema_engine_bg.js': imports as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  return wasmReady;
}

async function withEngine<T>(connectionString: string, run: (engine: Engine, schema: string) => Promise<T>) {
  const bg = await loadWasm();
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  const adapters = new ScriptSafePrismaPg({ connectionString });
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(adapters);
  const log = (line: string) => {
    if (process.env.LEDGERLINE_MIGRATE_DEBUG) loggerFor('migrate').info(line);
  };
  const engine = (await bg.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    log,
    adapterFactory,
  )) as unknown as Engine;
  try {
    return await run(engine, schema);
  } finally {
    engine.free();
    await Promise.all(adapters.opened.map((adapter) => adapter.dispose()));
  }
}

async function migrationsList() {
  const names = existsSync(MIGRATIONS_DIR)
    ? (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(MIGRATIONS_DIR, LOCKFILE);
  const lockContent = existsSync(lockPath) ? await readFile(lockPath, 'utf8') : 'provider = "postgresql"\n';
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: { tag: 'ok', value: await readFile(path.join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8') },
        },
      })),
    ),
  };
}

/** Applies every migration under prisma/migrations that the database has not seen yet. */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  return withEngine(connectionString, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: await migrationsList(), filters: NO_FILTERS });
    return result.appliedMigrationNames;
  });
}

/** Each migration directory keeps the schema it was generated from. */
export const SCHEMA_SNAPSHOT = 'schema.prisma';

/**
 * Returns the SQL of the next migration, or null when prisma/schema.prisma has
 * not changed since the last one. `prisma migrate dev` replays the history in a
 * shadow database and introspects it; the wasm engine cannot introspect through
 * the pg adapter, so each migration directory keeps a snapshot of the schema it
 * was made from and the next migration is the diff between two datamodels.
 */
export async function draftMigration(connectionString: string) {
  const list = await migrationsList();
  const last = list.migrationDirectories.at(-1);
  const snapshotPath = last && path.join(MIGRATIONS_DIR, last.path, SCHEMA_SNAPSHOT);
  if (snapshotPath && !existsSync(snapshotPath)) {
    throw new Error(
      `${path.relative(ROOT, snapshotPath)} is missing: it is the schema the last migration was made from.`,
    );
  }
  return withEngine(connectionString, async (engine, schema) => {
    const from = snapshotPath
      ? { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: await readFile(snapshotPath, 'utf8') }] }
      : { tag: 'empty' };
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    const sql = result.stdout?.trim() ?? '';
    return sql && !/^-- This is an empty migration/.test(sql) ? { sql: `${sql}\n`, schema } : null;
  });
}

export const paths = { MIGRATIONS_DIR, LOCKFILE };
