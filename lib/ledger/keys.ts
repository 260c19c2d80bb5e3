import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyIdOf } from './head';

export type SigningKey = { privateKey: KeyObject; publicKeyPem: string; keyId: string; file: string; created: boolean };

/**
 * The key that signs tree heads. It never goes into the database: a head
 * signed by a key the database's administrators can read proves nothing
 * against them. From `file` (LEDGERLINE_LEDGER_KEY: a PEM private key), or
 * generated at the first start into `file` with mode 0600 when `generate`.
 */
export function loadSigningKey(file: string, { generate }: { generate: boolean }): SigningKey {
  let pem: string;
  let created = false;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !generate) {
      throw new Error(`Cannot read the ledger's signing key ${file}: ${(error as Error).message}`);
    }
    pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      // wx: two processes starting at once must not each write a key of their own.
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      pem = readFileSync(file, 'utf8');
    }
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`The ledger's signing key ${file} is ${privateKey.asymmetricKeyType}, not Ed25519.`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
    file,
    created,
  };
}
