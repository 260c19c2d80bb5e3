import path from 'node:path';
import { intFromEnv } from '../config/env';

export type LedgerSettings = {
  /** PEM file of the Ed25519 private key that signs heads. */
  keyFile: string;
  /** Generate the key into keyFile when it does not exist (only for the default location). */
  generateKey: boolean;
  /** Where heads are written as files (one JSON file each, and the public key). */
  exportDir: string;
  /** Least time between two heads while events arrive; no head while nothing arrives. */
  headIntervalMs: number;
};

/**
 * LEDGERLINE_LEDGER_KEY (a PEM private key; else generated into
 * <data dir>/ledger-key.pem), LEDGERLINE_LEDGER_EXPORT_DIR (default
 * <data dir>/ledger-heads) and LEDGERLINE_LEDGER_HEAD_INTERVAL_MS (2000).
 */
export function ledgerSettingsFromEnv(): LedgerSettings {
  const dataDir = process.env.LEDGERLINE_DATA_DIR ?? '.data';
  const keyFile = process.env.LEDGERLINE_LEDGER_KEY?.trim();
  return {
    keyFile: keyFile || path.join(dataDir, 'ledger-key.pem'),
    // A key that was named but is missing is a mistake, not a reason to sign with a new one.
    generateKey: !keyFile,
    exportDir: process.env.LEDGERLINE_LEDGER_EXPORT_DIR?.trim() || path.join(dataDir, 'ledger-heads'),
    headIntervalMs: intFromEnv('LEDGERLINE_LEDGER_HEAD_INTERVAL_MS', 2_000, { min: 50, max: 3_600_000 }),
  };
}
