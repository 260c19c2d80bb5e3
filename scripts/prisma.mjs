#!/usr/bin/env node
// Runs the Prisma CLI without its native engines. Every prisma command first
// tries to download the native schema engine, which fails offline; pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any executable skips that download. Commands
// that really need the engine (migrate) go through lib/db/migrate.ts instead.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
