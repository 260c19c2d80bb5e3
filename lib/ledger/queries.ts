import 'server-only';
import { z } from 'zod';
import { notFound, validationError } from '../errors';
import { isPosition, parsePosition, type Queryable } from '../event-store';
import { LAG_COUNT_CAP } from '../projections/status';
import { param, wholeNumber } from '../queries/query-params';
import type { SignedHead } from './head';
import { LEAF_COLUMNS, LEAF_FIELDS, LEAF_FORMAT, leafBytes, type LeafRow } from './leaf';
import { hashRanges, headOfSize, latestHead, listHeads } from './store';
import { consistencyRanges, inclusionRanges, leafHash } from './tree';

// What the API and the pages read of the ledger: heads, proofs, keys, how far
// it trails the log, and which head covers an event.

const SIZE_MAX = 999_999_999;
const HEADS_LIMIT_MAX = 1000;

export const headsQuerySchema = z.object({
  from: param(wholeNumber('From', 0, SIZE_MAX)),
  limit: param(wholeNumber('Limit', 1, HEADS_LIMIT_MAX)),
});

/** Heads with a tree size of at least `from` (default 0), oldest first, `limit` (default 100) of them. */
export async function getHeads(db: Queryable, query: z.output<typeof headsQuerySchema>) {
  const limit = query.limit ?? 100;
  const heads = await listHeads(db, query.from ?? 0, limit + 1);
  return {
    heads: heads.slice(0, limit),
    /** Where the next page starts, when there is one. */
    nextFrom: heads.length > limit ? heads[limit]!.treeSize : null,
  };
}

export async function getLatestHead(db: Queryable): Promise<SignedHead> {
  const head = await latestHead(db);
  if (!head) throw notFound('The ledger has signed no head yet.');
  return head;
}

export const publicKeyQuerySchema = z.object({
  keyId: param(z.string().regex(/^[0-9a-f]{64}$/, 'Key id must be 64 lower-case hex digits.')),
});

/** A key that signed heads: the one named, else the one that signed the newest head (else the newest known). */
export async function getPublicKey(db: Queryable, keyId: string | undefined) {
  const { rows } = await db.query<{ key_id: string; public_key_pem: string; created_at: Date }>(
    keyId
      ? 'SELECT key_id, public_key_pem, created_at FROM ledger_keys WHERE key_id = $1'
      : `SELECT k.key_id, k.public_key_pem, k.created_at FROM ledger_keys k
          ORDER BY (k.key_id = (SELECT key_id FROM ledger_heads ORDER BY tree_size DESC LIMIT 1)) DESC NULLS LAST,
                   k.created_at DESC
          LIMIT 1`,
    keyId ? [keyId] : [],
  );
  const row = rows[0];
  if (!row) throw notFound(keyId ? `No ledger key ${keyId}.` : 'The ledger has no key yet.');
  return { keyId: row.key_id, algorithm: 'Ed25519' as const, publicKeyPem: row.public_key_pem, since: row.created_at };
}

// ---------------------------------------------------------------------------
// Proofs

/** `<transactionId>:<globalPosition>`, or the global position alone (it is unique). */
export function eventPositionParam(value: string): { globalPosition: string } {
  if (isPosition(value)) return { globalPosition: parsePosition(value).globalPosition.toString() };
  if (/^\d{1,19}$/.test(value)) return { globalPosition: BigInt(value).toString() };
  throw notFound('No such event: a position is "<transactionId>:<globalPosition>" or a global position.');
}

export const proofQuerySchema = z.object({ treeSize: param(wholeNumber('Tree size', 1, SIZE_MAX)) });

/**
 * The inclusion proof of one event in the tree of a signed head (the newest
 * by default), with the head and the event's leaf fields, so that whoever
 * holds the event can rebuild its leaf hash and check the path with the
 * public key alone (verifier/ledger-verify.mjs --proof does).
 */
export async function getInclusionProof(db: Queryable, at: { globalPosition: string }, treeSize?: number) {
  const { rows } = await db.query<LeafRow & { leaf_index: string | null }>(
    `SELECT ${LEAF_COLUMNS},
            (SELECT l.leaf_index::text FROM ledger_leaves l WHERE l.global_position = events.global_position) AS leaf_index
       FROM events WHERE global_position = $1`,
    [at.globalPosition],
  );
  const row = rows[0];
  if (!row) throw notFound(`No event at global position ${at.globalPosition}.`);
  if (row.leaf_index === null) throw notFound('The event is not in the ledger yet: ask again in a few seconds.');
  const leafIndex = Number(row.leaf_index);
  const head = treeSize === undefined ? await latestHead(db) : await headOfSize(db, treeSize);
  if (!head) throw notFound(treeSize === undefined ? 'The ledger has signed no head yet.' : noHead(treeSize));
  if (leafIndex >= head.treeSize) {
    const message = `The event is leaf ${leafIndex}, after the tree of ${head.treeSize}: ask for a later head.`;
    throw treeSize === undefined ? notFound(message) : validationError({ treeSize: message }, message);
  }
  const path = await hashRanges(db, inclusionRanges(leafIndex, head.treeSize));
  const fields = Object.fromEntries(LEAF_FIELDS.map((field) => [field, row[field]])) as LeafRow;
  return {
    leafIndex,
    treeSize: head.treeSize,
    leafHash: leafHash(leafBytes(fields)).toString('hex'),
    auditPath: path.map((h) => h.toString('hex')),
    head,
    event: {
      position: `${row.transaction_id}:${row.global_position}`,
      streamId: row.stream_id,
      version: Number(row.stream_version),
      leaf: { format: LEAF_FORMAT, fields },
    },
  };
}

export const consistencyQuerySchema = z.object({
  from: param(wholeNumber('From', 1, SIZE_MAX)),
  to: param(wholeNumber('To', 1, SIZE_MAX)),
});

/** The consistency proof between two signed heads (by tree size; `to` defaults to the newest). */
export async function getConsistencyProof(db: Queryable, query: z.output<typeof consistencyQuerySchema>) {
  if (query.from === undefined) throw validationError({ from: 'Give from=<tree size of a signed head>.' });
  if (query.to !== undefined && query.to < query.from) {
    const message = 'To must not be smaller than from.';
    throw validationError({ to: message }, message);
  }
  const from = await headOfSize(db, query.from);
  if (!from) throw notFound(noHead(query.from));
  const to = query.to === undefined ? await latestHead(db) : await headOfSize(db, query.to);
  if (!to) throw notFound(noHead(query.to!));
  const proof =
    from.treeSize === to.treeSize ? [] : await hashRanges(db, consistencyRanges(from.treeSize, to.treeSize));
  return { fromTreeSize: from.treeSize, toTreeSize: to.treeSize, from, to, proof: proof.map((h) => h.toString('hex')) };
}

const noHead = (treeSize: number) => `No signed head has tree size ${treeSize}: GET /api/ledger/heads lists them.`;

// ---------------------------------------------------------------------------
// Status and coverage

export type LedgerStatus = {
  head: { treeSize: number; rootHash: string; timestamp: string; keyId: string } | null;
  /** Events in the tree (signed or not yet). */
  treeSize: number;
  /** Committed events no signed head covers yet (counted up to LAG_COUNT_CAP past the tree). */
  trailingEvents: number;
  /** Age of the oldest event no signed head covers; 0 when all are covered. */
  trailingMs: number;
  heartbeatAt: string | null;
  lastError: string | null;
};

export async function getLedgerStatus(db: Queryable): Promise<LedgerStatus> {
  const { rows } = await db.query<{
    tree_size: string;
    heartbeat_at: Date | null;
    last_error: string | null;
    now: Date;
    head_size: string | null;
    root_hash: string | null;
    timestamp: Date | null;
    key_id: string | null;
    after_tree: string;
    oldest_unsigned: Date | null;
    oldest_after_tree: Date | null;
  }>(
    `WITH s AS (SELECT * FROM ledger_state WHERE id = 1),
          h AS (SELECT tree_size, root_hash, timestamp, key_id FROM ledger_heads ORDER BY tree_size DESC LIMIT 1)
     SELECT s.tree_size::text, s.heartbeat_at, s.last_error, now() AS now,
            h.tree_size::text AS head_size, h.root_hash, h.timestamp, h.key_id,
            (SELECT count(*) FROM (
               SELECT 1 FROM events e
                WHERE (e.transaction_id, e.global_position) > (s.transaction_id::text::xid8, s.global_position)
                LIMIT ${LAG_COUNT_CAP}) pending)::text AS after_tree,
            (SELECT e.recorded_at FROM ledger_leaves l JOIN events e ON e.global_position = l.global_position
              WHERE l.leaf_index = coalesce(h.tree_size, 0)) AS oldest_unsigned,
            (SELECT e.recorded_at FROM events e
              WHERE (e.transaction_id, e.global_position) > (s.transaction_id::text::xid8, s.global_position)
              ORDER BY e.transaction_id, e.global_position LIMIT 1) AS oldest_after_tree
       FROM s LEFT JOIN h ON true`,
  );
  const row = rows[0]!;
  const treeSize = Number(row.tree_size);
  const signed = Number(row.head_size ?? 0);
  const oldest = row.oldest_unsigned ?? row.oldest_after_tree;
  return {
    head:
      row.head_size === null
        ? null
        : {
            treeSize: signed,
            rootHash: row.root_hash!,
            timestamp: row.timestamp!.toISOString(),
            keyId: row.key_id!,
          },
    treeSize,
    trailingEvents: treeSize - signed + Number(row.after_tree),
    trailingMs: oldest ? Math.max(0, row.now.getTime() - oldest.getTime()) : 0,
    heartbeatAt: row.heartbeat_at?.toISOString() ?? null,
    lastError: row.last_error,
  };
}

/** Per event position: its leaf and the first signed head that covers it (null: none yet). */
export type LedgerCoverage = { leafIndex: number; head: { treeSize: number; timestamp: string } | null };

export async function getCoverage(db: Queryable, positions: readonly string[]): Promise<Map<string, LedgerCoverage>> {
  const globals = positions.filter(isPosition).map((p) => parsePosition(p).globalPosition.toString());
  if (globals.length === 0) return new Map();
  const { rows } = await db.query<{
    position: string;
    leaf_index: string;
    head_size: string | null;
    head_at: Date | null;
  }>(
    `SELECT l.transaction_id::text || ':' || l.global_position::text AS position, l.leaf_index::text,
            h.tree_size::text AS head_size, h.timestamp AS head_at
       FROM ledger_leaves l
       LEFT JOIN LATERAL (SELECT tree_size, timestamp FROM ledger_heads WHERE tree_size > l.leaf_index
                           ORDER BY tree_size LIMIT 1) h ON true
      WHERE l.global_position = ANY($1::bigint[])`,
    [globals],
  );
  return new Map(
    rows.map((r) => [
      r.position,
      {
        leafIndex: Number(r.leaf_index),
        head: r.head_size === null ? null : { treeSize: Number(r.head_size), timestamp: r.head_at!.toISOString() },
      },
    ]),
  );
}
