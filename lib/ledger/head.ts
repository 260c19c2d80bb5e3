import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

// Signed tree heads. What is signed is a short text statement, one field a
// line, rebuilt from the head's fields by whoever checks it (no JSON
// canonicalisation to agree on):
//
//   ledgerline/tree-head/v1
//   tree_size <decimal>
//   root_hash <64 hex>
//   timestamp <ISO 8601, UTC, milliseconds>
//   last_position <transactionId>:<globalPosition>   (the last event in the tree; 0:0 for none)
//   previous <64 hex: SHA-256 of the previous head's statement, or "none">
//   key_id <64 hex: SHA-256 of the signing key's public key, DER (SPKI)>
//
// each line ending in "\n", signed with Ed25519. `previous` chains the heads,
// so a head cannot be dropped from the middle of an exported folder unseen.

export const HEAD_FORMAT = 'ledgerline/tree-head/v1';

export type HeadFields = {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  lastPosition: string;
  previous: string | null;
  keyId: string;
};

/** A head as exported (one JSON file each) and served by the API. */
export type SignedHead = HeadFields & {
  format: typeof HEAD_FORMAT;
  /** Ed25519 over the statement, base64. */
  signature: string;
  /** Consistency proof from the previous head (RFC 9162 2.1.4), so a folder of heads checks without the database. */
  consistencyProof: { fromTreeSize: number; hashes: string[] } | null;
};

export function headStatement(head: HeadFields): string {
  return [
    HEAD_FORMAT,
    `tree_size ${head.treeSize}`,
    `root_hash ${head.rootHash}`,
    `timestamp ${head.timestamp}`,
    `last_position ${head.lastPosition}`,
    `previous ${head.previous ?? 'none'}`,
    `key_id ${head.keyId}`,
  ]
    .map((line) => `${line}\n`)
    .join('');
}

/** What the next head names as `previous`. */
export function headDigest(head: HeadFields): string {
  return createHash('sha256').update(headStatement(head), 'utf8').digest('hex');
}

export function signHead(head: HeadFields, privateKey: KeyObject): string {
  return sign(null, Buffer.from(headStatement(head), 'utf8'), privateKey).toString('base64');
}

export function verifyHeadSignature(head: HeadFields & { signature: string }, publicKey: KeyObject): boolean {
  return verify(null, Buffer.from(headStatement(head), 'utf8'), publicKey, Buffer.from(head.signature, 'base64'));
}

/** SHA-256 of the public key's DER (SPKI) encoding, hex: how a head names its key. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}
