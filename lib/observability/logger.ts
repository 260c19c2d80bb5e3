// One logger for every server process (web, worker, the CLI's server parts):
// JSON lines for a log stack in production, one readable line each in
// development. LOG_LEVEL sets the level (trace … fatal, or silent); LOG_FORMAT
// (json | pretty) overrides the choice of format. No `import 'server-only'`:
// server.ts and the worker load this under plain Node.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * What never reaches a log line, wherever it sits in a logged object: the
 * credentials of a request, and any field named like a secret. The database
 * URL's password is masked by `redactUrl` where a URL is logged.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.token',
  '*.secret',
  '*.sessionSecret',
  '*.databaseUrl',
  'password',
  'token',
  'secret',
  'databaseUrl',
];

function levelFromEnv(): string {
  const value = process.env.LOG_LEVEL?.toLowerCase();
  if (value && (LEVELS as readonly string[]).includes(value)) return value;
  // Tests print only what went wrong, unless they ask for more.
  return process.env.NODE_ENV === 'test' || process.env.VITEST ? 'warn' : 'info';
}

function pretty(): boolean {
  const format = process.env.LOG_FORMAT?.toLowerCase();
  if (format === 'json') return false;
  if (format === 'pretty') return true;
  return process.env.NODE_ENV !== 'production';
}

const COLORS: Record<number, string> = { 10: '90', 20: '90', 30: '36', 40: '33', 50: '31', 60: '35' };
const NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component']);

/** pino's JSON line as `12:00:01 INFO  [component] message key=value …`: small enough not to need pino-pretty. */
export function prettyLine(json: string, color = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = Number(entry.level);
  const time = new Date(Number(entry.time)).toISOString().slice(11, 23);
  const name = (NAMES[level] ?? String(level)).padEnd(5);
  const tag = entry.component ? `[${String(entry.component)}] ` : '';
  const rest = Object.entries(entry)
    .filter(([key]) => !OMIT.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const head = color ? `\x1b[${COLORS[level] ?? '0'}m${name}\x1b[0m` : name;
  return `${time} ${head} ${tag}${String(entry.msg ?? '')}${rest ? ` ${rest}` : ''}`;
}

function createLogger(): Logger {
  const options = {
    level: levelFromEnv(),
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  // process.stdout rather than pino's own fd writer: one way out, which a test can capture.
  if (!pretty()) return pino(options, process.stdout);
  const color = Boolean(process.stdout.isTTY);
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) process.stdout.write(prettyLine(line, color) + '\n');
      done();
    },
  });
  return pino(options, out);
}

const globalForLogger = globalThis as unknown as { ledgerlineLogger?: Logger };

/**
 * The process's logger. On globalThis: route handlers bundled by Next.js and
 * the server's own modules are separate module instances in one process.
 */
export const logger: Logger = (globalForLogger.ledgerlineLogger ??= createLogger());

/** A logger whose lines carry `component` (api, command, projector, live, db…). */
export const loggerFor = (component: string) => logger.child({ component });

/** A connection string with its password masked, fit for a log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}

/** The message of an error, or the value as text, for a `{ err }`-less line. */
export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
