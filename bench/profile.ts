/**
 * Where a server's CPU went: reads the V8 CPU profiles a bench wrote
 * (BENCH_CPU_PROF=<dir> npm run bench:http) and prints, per profile, the
 * busy time (idle excluded) by part: our code (app/, lib/), Next.js's
 * renderer and server, React's runtime in the app bundle, undici's
 * Request/Response, pg, Prisma, zod, node:http and streams, garbage
 * collection, and the rest by package.
 *
 *   npm run bench:profile -- <dir> [--last <seconds>] [--rows <n>]
 *
 * --last: only the samples of the profile's last seconds, to leave out the
 * server's start (building, migrations, sign-in hashing) when a bench ran
 * one row (BENCH_ONLY=…): BENCH_SECONDS plus the warm-up, at most.
 * --rows: how many parts to print (25).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; endTime: number; startTime: number };

/** A part of the server a sample belongs to, by the file of the function it was in. */
function partOf(url: string, fn: string): string {
  if (url.startsWith('wasm:')) return 'WebAssembly (Prisma: query compiler, schema engine)';
  if (!url) return fn === '(garbage collector)' ? 'garbage collection' : `V8/native: ${fn || '(anonymous)'}`;
  const file = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  if (pkg === 'next') {
    if (file.includes('app-page')) return 'Next.js: page renderer (React server + SSR)';
    if (file.includes('app-route')) return 'Next.js: route handler runtime';
    return 'Next.js: server and router';
  }
  if (pkg) return pkg;
  if (file.includes('/.next/server/')) return 'app bundle (.next: our pages and components, React)';
  if (url.startsWith('node:internal/deps/undici')) return 'undici (Request, Response, Headers)';
  if (/^node:(internal\/)?(http|_http|net|stream|webstreams|streams)/.test(url)) return 'node: http, net, streams';
  if (url.startsWith('node:')) return `node: ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  const relative = path.relative(process.cwd(), file);
  if (/^(app|lib|bench|server\.ts|workers)/.test(relative)) return `ours: ${relative.split('/').slice(0, 2).join('/')}`;
  return relative;
}

function summarise(file: string, rows: number, lastSeconds: number | null) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = lastSeconds === null ? -Infinity : profile.endTime - lastSeconds * 1e6;
  const byPart = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const { functionName, url } = nodes.get(id)!.callFrame;
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from || functionName === '(idle)' || functionName === '(program)') return;
    busy += dt;
    const part = partOf(url, functionName);
    byPart.set(part, (byPart.get(part) ?? 0) + dt);
  });
  const span = lastSeconds === null ? '' : ` in its last ${lastSeconds} s`;
  console.log(`\n### ${path.basename(file)}: ${(busy / 1e6).toFixed(1)} s busy${span}\n`);
  console.log('| part | share of busy time | s |');
  console.log('|---|---:|---:|');
  for (const [part, us] of [...byPart].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(`| ${part} | ${((us / busy) * 100).toFixed(1)} % | ${(us / 1e6).toFixed(2)} |`);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { last: { type: 'string' }, rows: { type: 'string', default: '25' } },
});
const dir = positionals[0];
const last = values.last === undefined ? null : Number(values.last);
const rows = Number(values.rows);
if (!dir || (last !== null && !(last > 0)) || !(rows > 0)) {
  console.error('usage: npm run bench:profile -- <dir with .cpuprofile files> [--last <seconds>] [--rows <n>]');
  process.exit(2);
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => path.join(dir, f))
  // Largest first: the main threads of the busiest processes.
  .sort((a, b) => statSync(b).size - statSync(a).size);
if (files.length === 0) {
  console.error(`No .cpuprofile files in ${dir}`);
  process.exit(1);
}
for (const file of files) summarise(file, rows, last);
