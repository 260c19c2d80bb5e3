// npm start: build the Next.js app when its sources are newer than the last
// build, then run the server in production mode.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// Production from the first line: the logger (JSON lines in production) is made when first imported.
(process.env as Record<string, string>).NODE_ENV = 'production';
const { loggerFor } = await import('../lib/observability/logger');

const BUILD_ID = '.next/BUILD_ID';
const SOURCES = ['app', 'components', 'lib', 'proxy.ts', 'next.config.js', 'postcss.config.mjs', 'package-lock.json'];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((max, name) => Math.max(max, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

const builtAt = existsSync(BUILD_ID) ? statSync(BUILD_ID).mtimeMs : 0;
if (builtAt < Math.max(...SOURCES.map(newestMtime))) {
  loggerFor('server').info('building the app (first start, or sources changed)…');
  const nextBin = path.join('node_modules', 'next', 'dist', 'bin', 'next');
  const build = spawnSync(process.execPath, [nextBin, 'build'], {
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

process.env.NEXT_TELEMETRY_DISABLED = '1';
await import('../server');
