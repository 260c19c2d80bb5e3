import { createHash } from 'node:crypto';

// The Merkle tree of RFC 9162, section 2.1: pure functions, no I/O. Sizes and
// indexes are plain numbers (exact up to 2^53 leaves, far past any log here).
// The verifier (verifier/ledger-verify.mjs) has its own copy of the hashing
// on purpose: it must not share a bug with the code it checks.

export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** SHA-256(0x00 || leaf): the prefix keeps a leaf from passing for a node (second preimages). */
export function leafHash(leaf: Uint8Array): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two smaller than n (n > 1): where MTH splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[0:n]) from the leaf hashes, as the RFC defines it (recursively, not padded). */
export function rootOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

// ---------------------------------------------------------------------------
// Stored nodes. A node (level, index) is the root of the complete subtree over
// leaves [index·2^level, (index+1)·2^level); level 0 is a leaf. Complete
// subtrees never change once their last leaf arrives, so they are stored once
// and every proof is made from them.

export type NodeId = { level: number; index: number };
export type StoredNode = NodeId & { hash: Hash };

/** A range of leaves [start, end) as the tree splits it. */
export type Range = { start: number; end: number };

/**
 * The complete subtrees whose hashes make MTH(D[start:end]), for a range the
 * RFC's recursion produces (start is a multiple of the largest power of two
 * not above end − start): the left parts are complete, the last may split on.
 */
export function rangeNodes({ start, end }: Range): NodeId[] {
  const nodes: NodeId[] = [];
  while (end > start) {
    const size = end - start;
    const part = size === 1 ? 1 : isPowerOfTwo(size) ? size : splitPoint(size);
    const level = Math.log2(part);
    nodes.push({ level, index: start / part });
    start += part;
  }
  return nodes;
}

/** MTH(D[start:end]) from the hashes of rangeNodes(range), in that order: folded from the right. */
export function rangeHash(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let hash = hashes.at(-1)!;
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i]!, hash);
  return hash;
}

/** The complete subtrees of a tree of `size` leaves, left to right: what an append needs to know. */
export function frontierNodes(size: number): NodeId[] {
  return rangeNodes({ start: 0, end: size });
}

/**
 * The right edge of a tree: the roots of its complete subtrees, left to right
 * (at most log2(size) + 1 of them). Enough to append leaves and to compute the root.
 */
export type Frontier = { size: number; nodes: StoredNode[] };

export const EMPTY_FRONTIER: Frontier = { size: 0, nodes: [] };

/**
 * Appends leaf hashes. Returns the new frontier and every node completed on
 * the way (the leaves themselves included, at level 0), for storing.
 */
export function appendLeaves(frontier: Frontier, leaves: readonly Hash[]): { frontier: Frontier; added: StoredNode[] } {
  const nodes = [...frontier.nodes];
  const added: StoredNode[] = [];
  let size = frontier.size;
  for (const leaf of leaves) {
    let node: StoredNode = { level: 0, index: size, hash: leaf };
    added.push(node);
    size++;
    // Two subtrees of one level side by side complete the one above them.
    while (nodes.length > 0 && nodes.at(-1)!.level === node.level) {
      const left = nodes.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      added.push(node);
    }
    nodes.push(node);
  }
  return { frontier: { size, nodes }, added };
}

export function frontierRoot(frontier: Frontier): Hash {
  return rangeHash(frontier.nodes.map((n) => n.hash));
}

// ---------------------------------------------------------------------------
// Proofs (RFC 9162, 2.1.3 and 2.1.4). Producing one is two steps: the ranges
// whose hashes it lists (pure, below), then their hashes (rangeNodes and
// rangeHash over stored nodes).

/** PATH(m, D[0:n]): the ranges of the inclusion proof of leaf m in a tree of n, leaf to root. */
export function inclusionRanges(m: number, n: number): Range[] {
  if (!(m >= 0 && m < n)) throw new RangeError(`Leaf ${m} is not in a tree of ${n}`);
  const path: Range[] = [];
  const walk = (m: number, start: number, end: number) => {
    const size = end - start;
    if (size <= 1) return;
    const k = splitPoint(size);
    if (m < k) {
      walk(m, start, start + k);
      path.push({ start: start + k, end });
    } else {
      walk(m - k, start + k, end);
      path.push({ start, end: start + k });
    }
  };
  walk(m, 0, n);
  return path;
}

/** PROOF(m, D[0:n]): the ranges of the consistency proof from size m to size n (0 < m ≤ n). */
export function consistencyRanges(m: number, n: number): Range[] {
  if (!(m > 0 && m <= n)) throw new RangeError(`No consistency proof from ${m} to ${n}`);
  const proof: Range[] = [];
  const sub = (m: number, start: number, end: number, whole: boolean) => {
    const size = end - start;
    if (m === size) {
      if (!whole) proof.push({ start, end });
      return;
    }
    const k = splitPoint(size);
    if (m <= k) {
      sub(m, start, start + k, whole);
      proof.push({ start: start + k, end });
    } else {
      sub(m - k, start + k, end, false);
      proof.push({ start, end: start + k });
    }
  };
  sub(m, 0, n, true);
  return proof;
}

/** RFC 9162 2.1.3.2: does `path` prove that `leaf` is leaf `index` of the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leaf: Hash, path: readonly Hash[], root: Hash): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: does `proof` show that the tree of `first` with `firstRoot` is a prefix of the one of `second`? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!(first >= 0 && first <= second)) return false;
  // Every tree extends the empty one; a tree is consistent with itself alone.
  if (first === 0) return proof.length === 0 && firstRoot.equals(EMPTY_ROOT);
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

/** Exact for every size a number holds (bit operators would stop at 2^31). */
function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}
