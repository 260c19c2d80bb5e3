import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  consistencyRanges,
  EMPTY_FRONTIER,
  EMPTY_ROOT,
  frontierRoot,
  inclusionRanges,
  leafHash,
  nodeHash,
  rangeHash,
  rangeNodes,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type Range,
  type StoredNode,
} from '../../lib/ledger/tree';
import { seededRandom } from '../support/random';

// The test tree of RFC 6962 / certificate-transparency's reference tests
// (merkle_tree_test.cc), with its published roots and proofs.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (hex) => Buffer.from(hex, 'hex'),
);

const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const INCLUSION: Array<[index: number, size: number, path: string[]]> = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

const CONSISTENCY: Array<[first: number, second: number, proof: string[]]> = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

const hex = (hashes: Hash[]) => hashes.map((h) => h.toString('hex'));
const unhex = (hashes: string[]) => hashes.map((h) => Buffer.from(h, 'hex'));

/** A tree held whole in memory: every node appendLeaves completed, by (level, index). */
function memoryTree(leaves: Hash[]) {
  const { frontier, added } = appendLeaves(EMPTY_FRONTIER, leaves);
  const nodes = new Map(added.map((n: StoredNode) => [`${n.level}/${n.index}`, n.hash]));
  const hashOf = (range: Range) => rangeHash(rangeNodes(range).map((id) => nodes.get(`${id.level}/${id.index}`)!));
  return {
    frontier,
    inclusion: (m: number, n: number) => inclusionRanges(m, n).map(hashOf),
    consistency: (m: number, n: number) => consistencyRanges(m, n).map(hashOf),
  };
}

describe('the RFC 9162 tree hash', () => {
  const leafHashes = LEAVES.map(leafHash);

  it('gives the reference roots for every prefix of the test tree, the empty one included', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0]);
    for (let n = 0; n <= LEAVES.length; n++) {
      expect(rootOf(leafHashes.slice(0, n)).toString('hex'), `root of ${n}`).toBe(ROOTS[n]);
      expect(frontierRoot(appendLeaves(EMPTY_FRONTIER, leafHashes.slice(0, n)).frontier).toString('hex')).toBe(
        ROOTS[n],
      );
    }
  });

  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    expect(leafHash(LEAVES[1]!)).toEqual(sha(Buffer.from([0]), LEAVES[1]!));
    expect(nodeHash(leafHashes[0]!, leafHashes[1]!)).toEqual(sha(Buffer.from([1]), leafHashes[0]!, leafHashes[1]!));
  });

  it('produces and verifies the reference inclusion proofs', () => {
    const tree = memoryTree(leafHashes);
    for (const [index, size, path] of INCLUSION) {
      expect(hex(tree.inclusion(index, size)), `inclusion of ${index} in ${size}`).toEqual(path);
      expect(verifyInclusion(index, size, leafHashes[index]!, unhex(path), Buffer.from(ROOTS[size]!, 'hex'))).toBe(
        true,
      );
    }
  });

  it('produces and verifies the reference consistency proofs', () => {
    const tree = memoryTree(leafHashes);
    for (const [first, second, proof] of CONSISTENCY) {
      expect(hex(tree.consistency(first, second)), `consistency ${first} → ${second}`).toEqual(proof);
      const [a, b] = [Buffer.from(ROOTS[first]!, 'hex'), Buffer.from(ROOTS[second]!, 'hex')];
      expect(verifyConsistency(first, second, a, b, unhex(proof))).toBe(true);
    }
  });
});

describe('proofs for random trees', () => {
  const random = seededRandom(Number(process.env.LEDGER_SEED ?? 9162));
  const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`event ${i} ${random()}`)));
  const tree = memoryTree(leaves);
  const roots = Array.from({ length: leaves.length + 1 }, (_, n) => rootOf(leaves.slice(0, n)));
  const pick = (max: number) => Math.floor(random() * max);
  const flip = (hash: Hash) => {
    const copy = Buffer.from(hash);
    copy[pick(32)]! ^= 1 << pick(8);
    return copy;
  };

  it('every inclusion proof verifies, and none for another leaf, index, size or a changed step', () => {
    for (let trial = 0; trial < 400; trial++) {
      const size = 1 + pick(leaves.length);
      const index = pick(size);
      const path = tree.inclusion(index, size);
      expect(verifyInclusion(index, size, leaves[index]!, path, roots[size]!)).toBe(true);
      expect(verifyInclusion(index, size, flip(leaves[index]!), path, roots[size]!)).toBe(false);
      if (size > 1) {
        const other = (index + 1 + pick(size - 1)) % size;
        expect(verifyInclusion(other, size, leaves[index]!, path, roots[size]!)).toBe(false);
        const step = pick(path.length);
        const bent = path.map((h, i) => (i === step ? flip(h) : h));
        expect(verifyInclusion(index, size, leaves[index]!, bent, roots[size]!)).toBe(false);
      }
      expect(verifyInclusion(index, size + 1, leaves[index]!, path, roots[size + 1] ?? roots[size]!)).toBe(false);
    }
  });

  it('every consistency proof verifies, and none between other roots or with a changed step', () => {
    for (let trial = 0; trial < 400; trial++) {
      const second = 1 + pick(leaves.length);
      const first = 1 + pick(second);
      const proof = tree.consistency(first, second);
      expect(verifyConsistency(first, second, roots[first]!, roots[second]!, proof)).toBe(true);
      expect(verifyConsistency(first, second, flip(roots[first]!), roots[second]!, proof)).toBe(false);
      expect(verifyConsistency(first, second, roots[first]!, flip(roots[second]!), proof)).toBe(false);
      if (proof.length > 0) {
        const step = pick(proof.length);
        const bent = proof.map((h, i) => (i === step ? flip(h) : h));
        expect(verifyConsistency(first, second, roots[first]!, roots[second]!, bent)).toBe(false);
      }
      // A history that differs before `first` has no proof: the old root with a changed leaf.
      if (first < second) {
        const changed = [...leaves.slice(0, first)];
        const at = pick(first);
        changed[at] = flip(changed[at]!);
        expect(verifyConsistency(first, second, rootOf(changed), roots[second]!, proof)).toBe(false);
      }
    }
  });

  it('appending in batches gives the same nodes as appending all at once', () => {
    let frontier = EMPTY_FRONTIER;
    const added: StoredNode[] = [];
    for (let at = 0; at < leaves.length;) {
      const batch = leaves.slice(at, (at += 1 + pick(40)));
      const step = appendLeaves(frontier, batch);
      frontier = step.frontier;
      added.push(...step.added);
    }
    const whole = appendLeaves(EMPTY_FRONTIER, leaves);
    expect(frontier).toEqual(whole.frontier);
    expect(added).toEqual(whole.added);
    expect(added.length).toBe(2 * leaves.length - 4); // 300 = 256 + 32 + 8 + 4: a node per leaf and per merge
  });
});
