import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { LedgerSettings } from '../../lib/ledger/config';

/** Ledger settings of a test's own: a fresh key pair and export folder in a temporary directory. */
export function testLedger(headIntervalMs = 100): { settings: LedgerSettings; publicKeyFile: string; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ledgerline-ledger-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyFile = path.join(dir, 'ledger-key.pem');
  const publicKeyFile = path.join(dir, 'ledger-public.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    settings: { keyFile, generateKey: false, exportDir: path.join(dir, 'heads'), headIntervalMs },
    publicKeyFile,
    dir,
  };
}

/** Runs the standalone verifier (npm run ledger:verify) and returns its exit code and output. */
export function runVerifier(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // Only --database-url names a database: not a DATABASE_URL the tests may run with.
    const env = { ...process.env, DATABASE_URL: '' };
    execFile(process.execPath, ['verifier/ledger-verify.mjs', ...args], { env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** The verifier over a test ledger's exported heads and public key, and the database at `url` if given. */
export function verifyTestLedger(
  ledger: { settings: LedgerSettings; publicKeyFile: string },
  url?: string,
  flags: string[] = [],
) {
  return runVerifier([
    '--heads',
    ledger.settings.exportDir,
    '--public-key',
    ledger.publicKeyFile,
    ...(url ? ['--database-url', url] : []),
    ...flags,
  ]);
}

/** Waits until a signed head covers every committed event; returns its tree size. */
export async function waitForFullHead(pool: pg.Pool, timeoutMs = 30_000): Promise<number> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(25)) {
    const { rows } = await pool.query<{ events: string; head: string | null }>(
      `SELECT (SELECT count(*) FROM events)::text AS events, (SELECT max(tree_size) FROM ledger_heads)::text AS head`,
    );
    if (rows[0]!.head !== null && rows[0]!.head === rows[0]!.events) return Number(rows[0]!.head);
  }
  throw new Error('no signed head came to cover every event');
}
