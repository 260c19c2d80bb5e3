import type pg from 'pg';
import { formatPosition, parsePosition, type Queryable } from '../event-store';
import { headDigest, HEAD_FORMAT, signHead, type SignedHead } from './head';
import { leafBytes, type LeafRow } from './leaf';
import {
  appendLeaves,
  consistencyRanges,
  frontierNodes,
  frontierRoot,
  leafHash,
  rangeHash,
  rangeNodes,
  type Frontier,
  type Hash,
  type NodeId,
  type Range,
} from './tree';
import type { SigningKey } from './keys';

// The ledger's tables (see prisma/schema.prisma): where the tree stands, its
// leaves and nodes, and its signed heads. The tree logic is pure (tree.ts);
// this file reads and writes.

export type LedgerState = {
  /** Position of the last event in the tree: where the next read starts. */
  checkpoint: string;
  frontier: Frontier;
};

/** A stored node the tree needs is missing: the ledger's own tables were altered. */
export class LedgerIntegrityError extends Error {
  override readonly name = 'LedgerIntegrityError';
}

export async function loadLedgerState(db: Queryable): Promise<LedgerState> {
  const { rows } = await db.query<{ tree_size: string; transaction_id: string; global_position: string }>(
    'SELECT tree_size::text, transaction_id::text, global_position::text FROM ledger_state WHERE id = 1',
  );
  const row = rows[0];
  if (!row) throw new LedgerIntegrityError('ledger_state has no row: was the ledger migration applied?');
  const size = Number(row.tree_size);
  const ids = frontierNodes(size);
  const hashes = await loadNodes(db, ids);
  return {
    checkpoint: formatPosition({
      transactionId: BigInt(row.transaction_id),
      globalPosition: BigInt(row.global_position),
    }),
    frontier: { size, nodes: ids.map((id, i) => ({ ...id, hash: hashes[i]! })) },
  };
}

/** The stored hashes of `ids`, in their order (level 0 from the leaves, the rest from the nodes). */
export async function loadNodes(db: Queryable, ids: readonly NodeId[]): Promise<Hash[]> {
  if (ids.length === 0) return [];
  const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
  const inner = ids.filter((id) => id.level > 0);
  const { rows } = await db.query<{ level: number; index: string; hash: Buffer }>(
    `SELECT 0 AS level, leaf_index::text AS index, leaf_hash AS hash FROM ledger_leaves WHERE leaf_index = ANY($1::bigint[])
     UNION ALL
     SELECT n.level, n.index::text, n.hash FROM ledger_nodes n
       JOIN unnest($2::int[], $3::bigint[]) AS w(level, index) ON n.level = w.level AND n.index = w.index`,
    [leaves, inner.map((id) => id.level), inner.map((id) => id.index)],
  );
  const found = new Map(rows.map((r) => [`${r.level}/${r.index}`, r.hash]));
  return ids.map((id) => {
    const hash = found.get(`${id.level}/${id.index}`);
    if (!hash) throw new LedgerIntegrityError(`The ledger has no node at level ${id.level}, index ${id.index}.`);
    return hash;
  });
}

/** MTH of each range (all within the stored tree), with one read of the nodes they need. */
export async function hashRanges(db: Queryable, ranges: readonly Range[]): Promise<Hash[]> {
  const perRange = ranges.map(rangeNodes);
  const hashes = await loadNodes(db, perRange.flat());
  let at = 0;
  return perRange.map((ids) => rangeHash(hashes.slice(at, (at += ids.length))));
}

/**
 * Adds a batch of events (read gap-safe after `state.checkpoint`, ending at
 * `to`) as leaves, with the nodes they complete, and moves the state in ONE
 * transaction, by compare-and-set on where it stood: a crash leaves all or
 * nothing, and a batch added twice (two workers, a retry) counts once. Null
 * when the state had moved.
 */
export async function appendToLedger(
  pool: pg.Pool,
  state: LedgerState,
  rows: ReadonlyArray<LeafRow & { position: string }>,
  to: string,
): Promise<LedgerState | null> {
  const { frontier, added } = appendLeaves(
    state.frontier,
    rows.map((row) => leafHash(leafBytes(row))),
  );
  const leaves = added.filter((n) => n.level === 0);
  const inner = added.filter((n) => n.level > 0);
  const from = parsePosition(state.checkpoint);
  const next = parsePosition(to);
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const moved = await tx.query(
      `UPDATE ledger_state SET tree_size = $1, transaction_id = $2, global_position = $3, updated_at = now(),
              last_error = NULL
        WHERE id = 1 AND tree_size = $4 AND transaction_id = $5 AND global_position = $6`,
      [
        frontier.size,
        next.transactionId.toString(),
        next.globalPosition.toString(),
        state.frontier.size,
        from.transactionId.toString(),
        from.globalPosition.toString(),
      ],
    );
    if (moved.rowCount !== 1) {
      await tx.query('ROLLBACK');
      return null;
    }
    // Hex in, decode() in SQL: arrays of bytea travel badly as parameters.
    await tx.query(
      `INSERT INTO ledger_leaves (leaf_index, transaction_id, global_position, stream_id, stream_version, leaf_hash)
       SELECT i, t, g, s, v, decode(h, 'hex')
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::text[]) AS u(i, t, g, s, v, h)`,
      [
        leaves.map((n) => n.index),
        rows.map((r) => r.transaction_id),
        rows.map((r) => r.global_position),
        rows.map((r) => r.stream_id),
        rows.map((r) => r.stream_version),
        leaves.map((n) => n.hash.toString('hex')),
      ],
    );
    if (inner.length > 0) {
      await tx.query(
        `INSERT INTO ledger_nodes (level, index, hash)
         SELECT l, i, decode(h, 'hex') FROM unnest($1::int[], $2::bigint[], $3::text[]) AS u(l, i, h)`,
        [inner.map((n) => n.level), inner.map((n) => n.index), inner.map((n) => n.hash.toString('hex'))],
      );
    }
    await tx.query('COMMIT');
    return { checkpoint: to, frontier };
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}

// ---------------------------------------------------------------------------
// Heads

type HeadRow = {
  tree_size: string;
  root_hash: string;
  timestamp: Date;
  last_transaction_id: string;
  last_global_position: string;
  previous: string | null;
  key_id: string;
  signature: string;
  consistency_proof: string[] | null;
  previous_tree_size: string | null;
};

/** Every column of a head, and the size of the one before it (for its consistency proof). */
export const HEAD_COLUMNS = `h.tree_size::text, h.root_hash, h.timestamp, h.last_transaction_id::text,
  h.last_global_position::text, h.previous, h.key_id, h.signature, h.consistency_proof,
  (SELECT max(p.tree_size) FROM ledger_heads p WHERE p.tree_size < h.tree_size)::text AS previous_tree_size`;

export function toSignedHead(row: HeadRow): SignedHead {
  return {
    format: HEAD_FORMAT,
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    timestamp: row.timestamp.toISOString(),
    lastPosition: `${row.last_transaction_id}:${row.last_global_position}`,
    previous: row.previous,
    keyId: row.key_id,
    signature: row.signature,
    consistencyProof:
      row.previous_tree_size === null
        ? null
        : { fromTreeSize: Number(row.previous_tree_size), hashes: row.consistency_proof ?? [] },
  };
}

export async function latestHead(db: Queryable): Promise<SignedHead | null> {
  const { rows } = await db.query<HeadRow>(
    `SELECT ${HEAD_COLUMNS} FROM ledger_heads h ORDER BY h.tree_size DESC LIMIT 1`,
  );
  return rows[0] ? toSignedHead(rows[0]) : null;
}

/** Heads from `fromTreeSize` up, oldest first. */
export async function listHeads(db: Queryable, fromTreeSize: number, limit: number): Promise<SignedHead[]> {
  const { rows } = await db.query<HeadRow>(
    `SELECT ${HEAD_COLUMNS} FROM ledger_heads h WHERE h.tree_size >= $1 ORDER BY h.tree_size LIMIT $2`,
    [fromTreeSize, limit],
  );
  return rows.map(toSignedHead);
}

/** Newest first, from `beforeTreeSize` down: for finding heads not yet exported. */
export async function headsBefore(db: Queryable, beforeTreeSize: number, limit: number): Promise<SignedHead[]> {
  const { rows } = await db.query<HeadRow>(
    `SELECT ${HEAD_COLUMNS} FROM ledger_heads h WHERE h.tree_size < $1 ORDER BY h.tree_size DESC LIMIT $2`,
    [beforeTreeSize, limit],
  );
  return rows.map(toSignedHead);
}

export async function headOfSize(db: Queryable, treeSize: number): Promise<SignedHead | null> {
  const { rows } = await db.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM ledger_heads h WHERE h.tree_size = $1`, [
    treeSize,
  ]);
  return rows[0] ? toSignedHead(rows[0]) : null;
}

/**
 * Signs a head over the tree as it stands and stores it, with the
 * consistency proof from `previous`. The insert only goes in while `previous`
 * is still the newest head (a second worker's head in between would fork the
 * chain); null otherwise.
 */
export async function publishHead(
  db: Queryable,
  state: LedgerState,
  previous: SignedHead | null,
  key: SigningKey,
  now = new Date(),
): Promise<SignedHead | null> {
  const treeSize = state.frontier.size;
  const fields = {
    treeSize,
    rootHash: frontierRoot(state.frontier).toString('hex'),
    // Never before the previous head's: heads are ordered in time as in size.
    timestamp: new Date(Math.max(now.getTime(), previous ? Date.parse(previous.timestamp) : 0)).toISOString(),
    lastPosition: state.checkpoint,
    previous: previous ? headDigest(previous) : null,
    keyId: key.keyId,
  };
  const proof = previous
    ? (await hashRanges(db, consistencyRanges(previous.treeSize, treeSize))).map((h) => h.toString('hex'))
    : [];
  const head: SignedHead = {
    format: HEAD_FORMAT,
    ...fields,
    signature: signHead(fields, key.privateKey),
    consistencyProof: previous ? { fromTreeSize: previous.treeSize, hashes: proof } : null,
  };
  const last = parsePosition(state.checkpoint);
  const { rowCount } = await db.query(
    `INSERT INTO ledger_heads (tree_size, root_hash, timestamp, last_transaction_id, last_global_position, previous,
                               key_id, signature, consistency_proof)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
      WHERE (SELECT max(tree_size) FROM ledger_heads) IS NOT DISTINCT FROM $10::bigint`,
    [
      treeSize,
      head.rootHash,
      head.timestamp,
      last.transactionId.toString(),
      last.globalPosition.toString(),
      head.previous,
      head.keyId,
      head.signature,
      proof,
      previous?.treeSize ?? null,
    ],
  );
  return rowCount === 1 ? head : null;
}

/** Makes the key's public half known to the API (GET /api/ledger/public-key); the private half never leaves its file. */
export async function registerKey(db: Queryable, key: Pick<SigningKey, 'keyId' | 'publicKeyPem'>) {
  await db.query('INSERT INTO ledger_keys (key_id, public_key_pem) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING', [
    key.keyId,
    key.publicKeyPem,
  ]);
}
