#!/usr/bin/env node
// Ledgerline's ledger verifier: a standalone program for auditors.
//
//   node verifier/ledger-verify.mjs --heads <dir> --public-key <file> [--public-key <file> …]
//                                   [--database-url <url>] [--threads <n>] [--range-events <n>]
//   node verifier/ledger-verify.mjs --proof <file> --public-key <file>
//
// --threads: how many threads read and hash (default: the cores); --range-events:
// about how many events each reads at a time (default: enough for 8 ranges a thread).
//
// It imports nothing from the app (only node:crypto, node:fs, node:path and
// pg), so that it cannot share a bug with the code it checks, and so that it
// can be read in one sitting. Everything it relies on is defined here:
//
// * A head file is JSON: { format, treeSize, rootHash, timestamp, lastPosition,
//   previous, keyId, signature, consistencyProof }. Its signature is Ed25519
//   over the statement built by `statement()` below; keyId is SHA-256 of the
//   signing public key (DER, SPKI); previous is SHA-256 of the previous head's
//   statement; consistencyProof proves the previous head's tree a prefix of
//   this one (RFC 9162 2.1.4).
// * The tree is RFC 9162's: leaf hash SHA-256(0x00 || leaf), node hash
//   SHA-256(0x01 || left || right), split at the largest power of two below n.
// * Leaf i is the i-th row of `events` in (transaction_id, global_position)
//   order, its fields (LEAF_SELECT) encoded as `leafHashOf()` below does;
//   the replay reads most of that text as it is, but the times and JSON in
//   binary (see REPLAY_KINDS and writeLeaf).
//
// What it checks: every head's signature against the given public keys; that
// each head names the one before it and proves consistency with it; and, with
// a database, that the rows of `events` reproduce every head's root. When they
// do not, it names the first event that does not match, and how (changed,
// missing, inserted, reordered). With --proof it checks one inclusion proof
// (GET /api/events/{position}/proof) against the keys instead.
//
// Exit code 0: everything checked holds; 1: something does not; 2: bad usage.

import * as crypto from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';

const HEAD_FORMAT = 'ledgerline/tree-head/v1';
const LEAF_FORMAT = 'ledgerline/event-leaf/v1';

// The leaf's fields, in order, as text from a plain SELECT. A time is in UTC
// to the microsecond; to_char's YYYY is the year of the era, so a year before
// 1 gets " BC", and ±infinity (to_char gives NULL) get their names.
const leafTime = (column) => `CASE
    WHEN NOT isfinite(${column}) THEN ${column}::text
    WHEN ${column} < '0001-01-01 00:00:00+00' THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z BC"')
    ELSE to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END`;
const LEAF_SELECT = `global_position::text, transaction_id::text, stream_id, stream_type, stream_version::text,
  event_type, schema_version::text, data::text, metadata::text, ${leafTime('occurred_at')}, ${leafTime('recorded_at')},
  prev_hash, hash`;
const LEAF_FIELD_NAMES = [
  'global_position',
  'transaction_id',
  'stream_id',
  'stream_type',
  'stream_version',
  'event_type',
  'schema_version',
  'data',
  'metadata',
  'occurred_at',
  'recorded_at',
  'prev_hash',
  'hash',
];

// ---------------------------------------------------------------------------
// Hashing (RFC 9162 2.1)

// The replay's hot path keeps hashes as latin1 strings (one char a byte):
// node:crypto makes a string of a digest in a third of the time it takes to
// make a Buffer of it, and the call, not the hashing, is most of a hash's cost.
// (crypto.hash is Node ≥ 20.12's one-shot hashing, cheaper again than createHash.)
const sha256Text =
  typeof crypto.hash === 'function'
    ? (bytes) => crypto.hash('sha256', bytes, 'latin1')
    : (bytes) => crypto.createHash('sha256').update(bytes).digest('latin1');
const sha256 = (bytes) => Buffer.from(sha256Text(bytes), 'latin1');
const EMPTY_ROOT = sha256(Buffer.alloc(0));
// One buffer for every node's input: hashing is synchronous.
const NODE_INPUT = Buffer.alloc(65, 1);
/** SHA-256(0x01 || left || right) of two hashes as latin1 strings. */
function nodeHashText(left, right) {
  NODE_INPUT.latin1Write(left, 1);
  NODE_INPUT.latin1Write(right, 33);
  return sha256Text(NODE_INPUT);
}
const nodeHash = (left, right) =>
  Buffer.from(nodeHashText(left.toString('latin1'), right.toString('latin1')), 'latin1');

/** SHA-256(0x00 || leaf bytes); leaf bytes: for each value, its UTF-8 length (4 bytes, big-endian) then its UTF-8. */
function leafHashOf(values) {
  const all = [LEAF_FORMAT, ...values];
  let size = 1;
  const lengths = all.map((value) => {
    const n = Buffer.byteLength(value, 'utf8');
    size += 4 + n;
    return n;
  });
  const bytes = Buffer.allocUnsafe(size);
  bytes[0] = 0;
  let at = 1;
  for (let i = 0; i < all.length; i++) {
    bytes.writeUInt32BE(lengths[i], at);
    at += 4;
    at += bytes.write(all[i], at, 'utf8');
  }
  return sha256(bytes);
}

/** The right edge of a tree: the roots of its complete subtrees, left to right, with their heights. */
function createFrontier() {
  const levels = [];
  const hashes = []; // latin1 strings
  let size = 0;
  return {
    get size() {
      return size;
    },
    /**
     * Adds the next leaf hash, as a latin1 string; or, with its height, the
     * root of the next 2^level leaves (the size must be a multiple of 2^level).
     */
    push(hash, level = 0) {
      const width = 2 ** level;
      while (levels.length > 0 && levels[levels.length - 1] === level) {
        levels.pop();
        hash = nodeHashText(hashes.pop(), hash);
        level++;
      }
      levels.push(level);
      hashes.push(hash);
      size += width;
    },
    root() {
      if (hashes.length === 0) return EMPTY_ROOT;
      let hash = hashes[hashes.length - 1];
      for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHashText(hashes[i], hash);
      return Buffer.from(hash, 'latin1');
    },
  };
}

/**
 * The leaves from index `first` on, as the roots of the largest complete,
 * aligned subtrees they make (2^k leaves from a multiple of 2^k), none of them
 * across a size in `cuts`: the frontier of the whole tree takes each in one
 * push, and passes through every size in `cuts` on the way. This is how the
 * hashing threads build most of the tree.
 */
function createSubtrees(first, cuts) {
  const levels = [];
  const hashes = []; // latin1 strings
  const starts = [];
  let next = first;
  let cut = 0; // cuts[cut] is the first cut at or after `next`
  let lastCut = -1; // the last cut before it
  return {
    levels,
    hashes,
    /** Adds the next leaf hash, as a latin1 string. */
    push(leaf) {
      let level = 0;
      let hash = leaf;
      let start = next++;
      for (; cut < cuts.length && cuts[cut] < next; cut++) lastCut = cuts[cut];
      // Merge with the subtree to the left while the two make an aligned one that no cut goes through.
      while (levels.length > 0 && levels[levels.length - 1] === level) {
        const left = starts[starts.length - 1];
        if (left % (2 * 2 ** level) !== 0 || lastCut > left) break;
        levels.pop();
        starts.pop();
        hash = nodeHashText(hashes.pop(), hash);
        start = left;
        level++;
      }
      levels.push(level);
      hashes.push(hash);
      starts.push(start);
    },
  };
}

const isPowerOfTwo = (n) => n > 0 && Number.isInteger(Math.log2(n));
const half = (n) => Math.floor(n / 2);

/** RFC 9162 2.1.3.2. */
function verifyInclusion(index, size, leaf, proof, root) {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2. */
function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  if (!(first > 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

// ---------------------------------------------------------------------------
// Heads

function statement(head) {
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

const HEX32 = /^[0-9a-f]{64}$/;

/** The head's fields, or a reason it is not a head. */
function readHead(file) {
  let head;
  try {
    head = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { problem: `cannot be read as JSON (${error.message})` };
  }
  const ok =
    head?.format === HEAD_FORMAT &&
    Number.isSafeInteger(head.treeSize) &&
    head.treeSize > 0 &&
    HEX32.test(head.rootHash) &&
    typeof head.timestamp === 'string' &&
    !Number.isNaN(Date.parse(head.timestamp)) &&
    /^\d+:\d+$/.test(head.lastPosition) &&
    (head.previous === null || HEX32.test(head.previous)) &&
    HEX32.test(head.keyId) &&
    typeof head.signature === 'string' &&
    (head.consistencyProof === null ||
      (Number.isSafeInteger(head.consistencyProof?.fromTreeSize) &&
        Array.isArray(head.consistencyProof.hashes) &&
        head.consistencyProof.hashes.every((h) => HEX32.test(h))));
  return ok ? { head } : { problem: `is not a ${HEAD_FORMAT} head` };
}

function loadKeys(files) {
  const keys = new Map();
  for (const file of files) {
    const key = crypto.createPublicKey(readFileSync(file, 'utf8'));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 public key`);
    keys.set(sha256(key.export({ type: 'spki', format: 'der' })).toString('hex'), { key, file });
  }
  return keys;
}

function signatureProblem(head, keys) {
  const entry = keys.get(head.keyId);
  if (!entry) return `is signed by key ${head.keyId.slice(0, 16)}…, which is not among the public keys given`;
  const good = crypto.verify(
    null,
    Buffer.from(statement(head), 'utf8'),
    entry.key,
    Buffer.from(head.signature, 'base64'),
  );
  return good ? null : 'has a signature that does not verify';
}

/** Every problem of the heads taken by themselves: signatures, the chain, consistency. */
function checkHeads(heads, keys) {
  const problems = [];
  let previous = null;
  for (const { head, file } of heads) {
    const name = `head ${head.treeSize} (${path.basename(file)})`;
    const bad = signatureProblem(head, keys);
    if (bad) problems.push(`${name} ${bad}`);
    if (previous) {
      const digest = sha256(Buffer.from(statement(previous), 'utf8')).toString('hex');
      if (head.previous !== digest)
        problems.push(
          `${name} does not name head ${previous.treeSize} as its previous one (a head between them is missing, or one was replaced)`,
        );
      if (Date.parse(head.timestamp) < Date.parse(previous.timestamp))
        problems.push(`${name} is dated before head ${previous.treeSize}`);
      const proof = head.consistencyProof;
      if (!proof || proof.fromTreeSize !== previous.treeSize) {
        problems.push(`${name} carries no consistency proof from head ${previous.treeSize}`);
      } else {
        const hashes = proof.hashes.map((h) => Buffer.from(h, 'hex'));
        const first = Buffer.from(previous.rootHash, 'hex');
        if (!verifyConsistency(previous.treeSize, head.treeSize, first, Buffer.from(head.rootHash, 'hex'), hashes))
          problems.push(`${name} is not consistent with head ${previous.treeSize}: the history before it was changed`);
      }
    }
    previous = head;
  }
  return problems;
}

// ---------------------------------------------------------------------------
// The database

function position(row) {
  return `${row[1]}:${row[0]}`;
}

function eventName(row) {
  return `position ${position(row)}, stream ${row[2]}, version ${row[4]} (${row[5]})`;
}

// The replay reads the events with a binary COPY (PostgreSQL's documentation
// of COPY, "Binary Format"), where a text value is its length (4 bytes,
// big-endian) and then its bytes: the very encoding of a value in a leaf. So
// most fields are asked for as text, cast as LEAF_SELECT casts them, and go
// into the leaf as they came. Two kinds are not, for PostgreSQL's CPU, which on
// a machine of few cores is the verifier's: a time comes as its 8 bytes and is
// written out here (to_char costs more than the rest of the row), and a JSON
// value as jsonb's binary form, a version byte (1) and then jsonb's text
// (the cast to text would copy that text twice more).
const TEXT = 0;
const JSONB = 1;
const TIME = 2; // timestamptz: microseconds since 2000-01-01 00:00 UTC, 8 bytes, signed
const REPLAY_KINDS = LEAF_FIELD_NAMES.map((name) =>
  name.endsWith('_at') ? TIME : name === 'data' || name === 'metadata' ? JSONB : TEXT,
);
const REPLAY_SELECT = LEAF_FIELD_NAMES.map((name, f) => (REPLAY_KINDS[f] === TEXT ? `${name}::text` : name)).join(', ');
const REPLAY_FIELDS = LEAF_FIELD_NAMES.length;
// A time is 8 bytes; its text at most 32 ("294276-12-31T23:59:59.999999Z" and " BC").
const MAX_GROWTH = REPLAY_KINDS.filter((kind) => kind === TIME).length * (32 - 8);
const TIME_CACHES = REPLAY_KINDS.map(() => ({ days: NaN, seconds: NaN, text: Buffer.alloc(40), length: 0 }));

const TWO_32 = 2 ** 32;
const DAY_MICROS = 86_400_000_000;
const EPOCH_2000_DAYS = 10_957; // days from 1970-01-01 to 2000-01-01
const INT64_MAX = 2n ** 63n - 1n;
const BC_DAYS = -730_119; // days from 2000-01-01 back to 0001-01-01: a day before it is a day BC

// The writers below put ASCII digits straight into the leaf: a string per
// number, then its copy, costs more than the formatting.

/** Writes a non-negative integer below 2^53 in decimal, zero-padded to `width`; returns the end. */
function writeDigits(out, at, value, width) {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  const end = at + Math.max(digits, width);
  for (let i = end - 1; i >= at; i--) {
    out[i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
  return end;
}

/** Writes 0 ≤ value < 100 as two digits. */
function writeTwo(out, at, value) {
  const tens = (value / 10) | 0; // integers: a double's % is a call to fmod
  out[at] = 48 + tens;
  out[at + 1] = 48 + value - 10 * tens;
}

/** A civil date (proleptic Gregorian, as PostgreSQL's) from days since 1970-01-01 (H. Hinnant's civil_from_days). */
function civil(days) {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

/**
 * Writes leafTime() of a binary timestamptz: 'YYYY-MM-DDTHH:MI:SS.UUUUUUZ' in
 * UTC, YYYY the year of the era in at least four digits, then ' BC' for a year
 * before 1; 'infinity' or '-infinity'. `cache` keeps the text up to the
 * fraction ("YYYY-MM-DDTHH:MI:SS.") of the column's last value: in a log that
 * is long to verify, many events share a second, and the civil date and clock
 * are most of the cost.
 */
function writeTimestamp(out, at, bytes, r, cache) {
  // The two halves byte by byte: readInt32BE's checks cost more than the rest of a cache hit.
  const hi = (bytes[r] << 24) | (bytes[r + 1] << 16) | (bytes[r + 2] << 8) | bytes[r + 3];
  let days;
  let micros;
  if (hi >= -0x200000 && hi < 0x200000) {
    const lo = ((bytes[r + 4] << 24) | (bytes[r + 5] << 16) | (bytes[r + 6] << 8) | bytes[r + 7]) >>> 0;
    const value = hi * TWO_32 + lo;
    days = Math.floor(value / DAY_MICROS);
    micros = value - days * DAY_MICROS;
  } else {
    const value = bytes.readBigInt64BE(r);
    if (value === INT64_MAX) return at + out.latin1Write('infinity', at);
    if (value === -INT64_MAX - 1n) return at + out.latin1Write('-infinity', at);
    let whole = value / BigInt(DAY_MICROS);
    if (whole * BigInt(DAY_MICROS) > value) whole -= 1n;
    days = Number(whole);
    micros = Number(value - whole * BigInt(DAY_MICROS));
  }
  const seconds = Math.floor(micros / 1e6) | 0; // below 86,400
  const { text } = cache;
  if (days !== cache.days || seconds !== cache.seconds) {
    const { year, month, day } = civil(days + EPOCH_2000_DAYS);
    let end = writeDigits(text, 0, year > 0 ? year : 1 - year, 4);
    text[end] = 45; // -
    writeTwo(text, end + 1, month);
    text[end + 3] = 45;
    writeTwo(text, end + 4, day);
    text[end + 6] = 84; // T
    end += 7;
    writeTwo(text, end, (seconds / 3600) | 0);
    text[end + 2] = 58; // :
    writeTwo(text, end + 3, ((seconds / 60) | 0) % 60);
    text[end + 5] = 58;
    writeTwo(text, end + 6, seconds % 60);
    text[end + 8] = 46; // .
    cache.length = end + 9;
    cache.days = days;
    cache.seconds = seconds;
  }
  for (let i = 0; i < cache.length; i++) out[at++] = text[i];
  const fraction = (micros - seconds * 1e6) | 0; // below 1,000,000
  writeTwo(out, at, (fraction / 10_000) | 0);
  writeTwo(out, at + 2, ((fraction / 100) | 0) % 100);
  writeTwo(out, at + 4, fraction % 100);
  out[at + 6] = 90; // Z
  return days < BC_DAYS ? at + 7 + out.latin1Write(' BC', at + 7) : at + 7;
}

/**
 * Writes the leaf of a binary COPY row as leafHashOf() encodes it: 0x00, then
 * for each value its UTF-8 length (4 bytes, big-endian) and its UTF-8, the
 * format's name first. `fields` holds where each field starts in `bytes` (at
 * its length) and, last, where the row ends. The leaf is written into `out`
 * (a leafBuffer) from its start, and its length returned.
 *
 * The row is first copied whole to the end of `out`, and the leaf put
 * together from there with copyWithin: within one buffer a copy is a plain
 * move, while Buffer.copy between two costs a new view each time, several
 * times as much.
 */
function writeLeaf(bytes, fields, out) {
  const d = out.length - fields[REPLAY_FIELDS]; // a byte of the row at i is now at i + d
  bytes.copy(out, fields[0] + d, fields[0], fields[REPLAY_FIELDS]);
  let at = LEAF_PREFIX.length; // the prefix is already there (leafBuffer)
  let run = fields[0]; // the text fields from here on go into the leaf as they came
  for (let f = 0; f < REPLAY_FIELDS; f++) {
    const kind = REPLAY_KINDS[f];
    if (kind === TEXT) continue;
    out.copyWithin(at, run + d, fields[f] + d);
    at += fields[f] - run;
    const r = fields[f] + 4;
    run = fields[f + 1];
    let end;
    if (kind === JSONB) {
      if (bytes[r] !== 1) throw new Error(`a jsonb value of version ${bytes[r]}, which this verifier does not read`);
      out.copyWithin(at + 4, r + 1 + d, run + d);
      end = at + 4 + run - r - 1;
    } else {
      if (run - r !== 8) throw new Error(`${LEAF_FIELD_NAMES[f]} in the COPY is not 8 bytes: is it a timestamptz?`);
      end = writeTimestamp(out, at + 4, bytes, r, TIME_CACHES[f]);
    }
    // The text's length, before it (byte by byte, as the COPY's lengths are read).
    const length = end - at - 4;
    out[at] = length >>> 24;
    out[at + 1] = (length >>> 16) & 255;
    out[at + 2] = (length >>> 8) & 255;
    out[at + 3] = length & 255;
    at = end;
  }
  out.copyWithin(at, run + d, fields[REPLAY_FIELDS] + d);
  return at + fields[REPLAY_FIELDS] - run;
}

/** Room for the leaf of a row of `rowLength` bytes and, behind it, the row. */
const leafBufferLength = (rowLength) => 2 * (LEAF_PREFIX.length + rowLength + MAX_GROWTH);

/** A buffer for writeLeaf with room for rows of `rowLength` bytes, the leaf's prefix written in. */
function leafBuffer(rowLength) {
  const out = Buffer.allocUnsafe(leafBufferLength(rowLength));
  LEAF_PREFIX.copy(out, 0);
  return out;
}

// The leaf's first bytes: 0x00 and the format's name, as leafHashOf() writes them.
const LEAF_PREFIX = (() => {
  const format = Buffer.from(LEAF_FORMAT, 'utf8');
  const bytes = Buffer.alloc(5 + format.length);
  bytes.writeUInt32BE(format.length, 1);
  format.copy(bytes, 5);
  return bytes;
})();
const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * A `COPY … TO STDOUT (FORMAT binary)` run through pg's documented Submittable
 * interface (what client.query() accepts besides a query config): it calls
 * onRow(bytes, fields) for each row, synchronously, as the rows arrive:
 * fields[i] is where field i starts in bytes (at its length), and
 * fields[fieldCount] where the row ends. Resolves with the number of rows.
 */
function copyRows(client, text, fieldCount, onRow) {
  return new Promise((resolve, reject) => {
    let rest = null;
    let headerDone = false;
    let rows = 0;
    let failure = null;
    const starts = new Int32Array(fieldCount + 1);
    const fail = (error) => {
      failure ??= error;
    };
    client.query({
      submit(connection) {
        connection.query(text);
      },
      handleCopyData(message) {
        if (failure) return;
        let bytes = rest ? Buffer.concat([rest, message.chunk]) : message.chunk;
        rest = null;
        let at = 0;
        if (!headerDone) {
          if (bytes.length < 19) {
            rest = Buffer.from(bytes);
            return;
          }
          if (!bytes.subarray(0, 11).equals(COPY_SIGNATURE)) return fail(new Error('not a binary COPY stream'));
          at = 19 + bytes.readUInt32BE(15);
          headerDone = true;
        }
        while (at + 2 <= bytes.length) {
          const fields = ((bytes[at] << 24) | (bytes[at + 1] << 16)) >> 16;
          if (fields === -1) {
            at = bytes.length;
            break;
          }
          if (fields !== fieldCount) return fail(new Error(`a COPY row has ${fields} fields, not ${fieldCount}`));
          let end = at + 2;
          let complete = true;
          for (let i = 0; i < fields && complete; i++) {
            if (end + 4 > bytes.length) complete = false;
            else {
              starts[i] = end;
              // Byte by byte: readInt32BE's checks, 13 times a row, come to a good part of a leaf's hash.
              const length = (bytes[end] << 24) | (bytes[end + 1] << 16) | (bytes[end + 2] << 8) | bytes[end + 3];
              if (length < 0) return fail(new Error('an event has a NULL where a leaf needs a value'));
              end += 4 + length;
              complete = end <= bytes.length;
            }
          }
          if (!complete) break;
          starts[fields] = end;
          try {
            onRow(bytes, starts);
          } catch (error) {
            return fail(error);
          }
          rows++;
          at = end;
        }
        // pg reuses its read buffer: keep a copy of a row split across messages.
        if (at < bytes.length) rest = Buffer.from(bytes.subarray(at));
      },
      handleCopyInResponse() {
        fail(new Error('unexpected COPY FROM'));
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handleCommandComplete() {},
      handleError(error) {
        fail(error);
      },
      handleReadyForQuery() {
        if (failure) reject(failure);
        else resolve(rows);
      },
    });
  });
}

const xid8 = (value) => {
  // Positions come from signed heads and were checked as digits (readHead); COPY takes no parameters.
  if (!/^\d+$/.test(value)) throw new Error(`not a position: ${value}`);
  return `'${value}'`;
};

/**
 * The events in (after, upTo] (positions as [transactionId, globalPosition]),
 * from one binary COPY, in tree order: their leaf hashes (32 bytes each) and
 * their subtrees (createSubtrees) should the first be leaf `first`.
 */
async function hashRange(client, { after, upTo, first, cuts }) {
  const subtrees = createSubtrees(first, cuts);
  const hashes = [];
  let block = Buffer.allocUnsafe(32 * 8192);
  let filled = 0;
  // ORDER BY names the table's columns: the bare names would sort the text copies the SELECT makes ("10" < "9").
  let scratch = leafBuffer(32 * 1024);
  const text = `COPY (SELECT ${REPLAY_SELECT} FROM events
      WHERE (transaction_id, global_position) > (${xid8(after[0])}::xid8, ${xid8(after[1])}::bigint)
        AND (transaction_id, global_position) <= (${xid8(upTo[0])}::xid8, ${xid8(upTo[1])}::bigint)
      ORDER BY events.transaction_id, events.global_position) TO STDOUT (FORMAT binary)`;
  await copyRows(client, text, REPLAY_FIELDS, (bytes, fields) => {
    const rowLength = fields[REPLAY_FIELDS] - fields[0];
    if (scratch.length < leafBufferLength(rowLength)) scratch = leafBuffer(2 * rowLength);
    const leaf = sha256Text(scratch.subarray(0, writeLeaf(bytes, fields, scratch)));
    subtrees.push(leaf);
    block.latin1Write(leaf, filled);
    filled += 32;
    if (filled === block.length) {
      hashes.push(block);
      block = Buffer.allocUnsafe(block.length);
      filled = 0;
    }
  });
  hashes.push(block.subarray(0, filled));
  return { leaves: Buffer.concat(hashes), levels: subtrees.levels, subtrees: subtrees.hashes };
}

/**
 * A hashing thread: reads the ranges it is sent on a connection of its own,
 * inside the main connection's snapshot, and sends back their leaf hashes and subtrees.
 */
async function hashingThread({ databaseUrl, snapshot }) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, '')}'`);
  // The rows must stream in the index's order as PostgreSQL reads them. Priced
  // with the casts, a range can look cheaper as a (parallel) scan of the whole
  // table and a sort, which reads every event once per range and sends nothing
  // until it is done. The plan changes only the speed, never the rows.
  await client.query('SET LOCAL enable_sort = off');
  parentPort.on('message', async (task) => {
    if (task === null) {
      await client.end();
      parentPort.close();
      return;
    }
    parentPort.postMessage({ id: task.id, ...(await hashRange(client, task)) });
  });
  parentPort.postMessage({ ready: true });
}

/**
 * The events up to the newest head's last position, hashed into the tree in
 * tree order, with the root compared at every head's size. The reading and
 * hashing is split into ranges between heads (their last positions, which
 * are signed) and spread over threads, each on its own connection in the
 * same snapshot; the ranges are put back together in order, so the tree is
 * exactly that of one ordered read. Returns the computed leaf hashes (32
 * bytes each) and the first head whose root the events do not reproduce.
 */
async function replay(client, databaseUrl, heads, { threads, rangeEvents }) {
  const newest = heads[heads.length - 1].head;
  const { rows } = await client.query('SELECT pg_export_snapshot() AS snapshot');
  const ranges = [];
  const target = rangeEvents ?? Math.max(50_000, Math.ceil(newest.treeSize / (threads * 8)));
  let after = ['0', '0'];
  let size = 0;
  let cuts = []; // the sizes of the heads in the range so far
  for (const { head } of heads) {
    cuts.push(head.treeSize);
    if (head.treeSize - size < target && head !== newest) continue;
    const upTo = head.lastPosition.split(':');
    ranges.push({ id: ranges.length, after, upTo, first: size, cuts });
    after = upTo;
    size = head.treeSize;
    cuts = [];
  }

  // The threads build each range's subtrees; this one puts them together, a
  // range as soon as every range before it is in. A range that does not start
  // where its subtrees were built for (a range before it held more or fewer
  // events than its head counted) goes in leaf by leaf.
  const results = new Array(ranges.length);
  const frontier = createFrontier();
  let next = 0; // the next head to compare
  let failed = null;
  let built = 0; // ranges in the tree
  const compare = () => {
    while (next < heads.length && heads[next].head.treeSize === frontier.size) {
      const { head } = heads[next++];
      if (!failed && !frontier.root().equals(Buffer.from(head.rootHash, 'hex'))) failed = head;
    }
  };
  const build = () => {
    for (; built < results.length && results[built]; built++) {
      const { leaves, levels, subtrees } = results[built];
      if (frontier.size === ranges[built].first) {
        for (let i = 0; i < levels.length; i++) {
          frontier.push(subtrees[i], levels[i]);
          compare();
        }
      } else {
        for (let i = 0; i < leaves.length; i += 32) {
          frontier.push(leaves.toString('latin1', i, i + 32));
          compare();
        }
      }
    }
  };
  const workers = Array.from({ length: Math.min(threads, ranges.length) }, () => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { databaseUrl, snapshot: rows[0].snapshot },
    });
    return worker;
  });
  let nextTask = 0;
  let failedThread = null;
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve) => {
          const give = () => {
            if (nextTask < ranges.length) worker.postMessage(ranges[nextTask++]);
            else {
              worker.postMessage(null);
              resolve();
            }
          };
          worker.on('message', (message) => {
            if (!message.ready) {
              const { leaves } = message; // a Uint8Array once it has crossed
              results[message.id] = {
                ...message,
                leaves: Buffer.from(leaves.buffer, leaves.byteOffset, leaves.byteLength),
              };
            }
            give();
            build();
          });
          worker.on('error', (error) => {
            failedThread = error;
            resolve();
          });
        }),
    ),
  );
  // A thread that failed leaves the others waiting for work: end them all.
  await Promise.all(workers.map((worker) => worker.terminate()));
  if (failedThread) throw failedThread;

  const leaves = Buffer.concat(results.map((result) => result.leaves));
  // Heads beyond the rows found: events are missing at the end. Rows beyond
  // the newest head's size, yet before its last event: events were inserted.
  if (!failed && next < heads.length) failed = heads[next].head;
  if (!failed && frontier.size > newest.treeSize) failed = newest;
  return { count: frontier.size, leaves, failed };
}

async function rowAt(client, index, head) {
  const [tx, pos] = head.lastPosition.split(':');
  const { rows } = await client.query({
    text: `SELECT ${LEAF_SELECT} FROM events
            WHERE (transaction_id, global_position) <= ($1::text::xid8, $2::bigint)
            ORDER BY events.transaction_id, events.global_position OFFSET $3 LIMIT 1`,
    values: [tx, pos, index],
    rowMode: 'array',
  });
  return rows[0] ?? null;
}

/**
 * Names the first event that differs from what `head` committed to. The
 * signed root says only THAT something differs; which leaf it is comes from
 * the app's own table of leaf hashes (ledger_leaves), used only once it is
 * shown authentic: its hashes must reproduce the signed root.
 */
async function diagnose(client, head, computed, count) {
  const { rows: stored } = await client.query({
    text: `SELECT leaf_hash, transaction_id::text, global_position::text, stream_id, stream_version
             FROM ledger_leaves WHERE leaf_index < $1 ORDER BY leaf_index`,
    values: [head.treeSize],
    rowMode: 'array',
  });
  const frontier = createFrontier();
  for (const row of stored) frontier.push(row[0].toString('latin1'));
  const authentic = stored.length === head.treeSize && frontier.root().equals(Buffer.from(head.rootHash, 'hex'));
  const computedAt = (i) => computed.subarray(i * 32, i * 32 + 32);
  const ledgerName = (i) =>
    `position ${stored[i][1]}:${stored[i][2]}, stream ${stored[i][3]}, version ${stored[i][4]} (as the ledger recorded it)`;

  let i = 0;
  while (i < head.treeSize && i < count && (stored[i]?.[0].equals(computedAt(i)) ?? false)) i++;
  if (!authentic) {
    const row = i < count ? await rowAt(client, i, head) : null;
    return [
      `The ledger's own table of leaves was changed as well (its hashes do not reproduce head ${head.treeSize}), so the`,
      `event cannot be named with certainty. The first event that differs from that table: leaf ${i}` +
        (row ? `, ${eventName(row)}.` : ' (no event there).'),
    ];
  }
  if (i >= count) return [`Leaf ${i}: missing. The event at ${ledgerName(i)} is no longer in the database.`];
  const row = await rowAt(client, i, head);
  if (i === head.treeSize)
    return [
      `Leaf ${i}: inserted. ${eventName(row)} sorts before the head's last event, but the head did not commit to it.`,
    ];
  const storedIndex = new Map();
  for (let j = i; j < stored.length; j++) storedIndex.set(stored[j][0].toString('hex'), j);
  const here = storedIndex.get(computedAt(i).toString('hex'));
  if (here !== undefined)
    return [`Leaf ${i}: missing. The event at ${ledgerName(i)} was removed (${here - i} event(s) from here on).`];
  for (let k = i + 1; k < count; k++) {
    if (computedAt(k).equals(stored[i][0]))
      return [
        `Leaf ${i}: inserted. ${eventName(row)} is not in the history the head committed to (${k - i} event(s)).`,
      ];
  }
  // The row at i is none of the committed leaves. Is it a committed event moved here from another place?
  const moved = stored.findIndex((s, j) => j !== i && s[3] === row[2] && String(s[4]) === row[4]);
  if (moved >= 0) {
    const asBefore = leafHashOf([stored[moved][2], stored[moved][1], ...row.slice(2)]);
    return [
      `Leaf ${i}: reordered. ${eventName(row)} stands where the ledger had ${ledgerName(i)};`,
      `the ledger had this event at leaf ${moved} (position ${stored[moved][1]}:${stored[moved][2]})` +
        (asBefore.equals(stored[moved][0]) ? ', with the same content.' : ', and its content was changed too.'),
    ];
  }
  return [`Leaf ${i}: changed. ${eventName(row)} is not the row the head committed to (${ledgerName(i)}).`];
}

// ---------------------------------------------------------------------------
// Inclusion proofs

function checkProof(file, keys) {
  const proof = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  const { head } = proof;
  const bad = head ? signatureProblem(head, keys) : 'is missing';
  if (bad) problems.push(`the proof's head ${bad}`);
  const fields = proof.event?.leaf?.fields;
  if (proof.event?.leaf?.format !== LEAF_FORMAT || typeof fields !== 'object' || fields === null) {
    problems.push(`the proof carries no ${LEAF_FORMAT} leaf`);
    return problems;
  }
  const leaf = leafHashOf(LEAF_FIELD_NAMES.map((name) => String(fields[name])));
  if (leaf.toString('hex') !== proof.leafHash) problems.push("the event's fields do not give the proof's leaf hash");
  if (head && proof.treeSize !== head.treeSize) problems.push("the proof's tree size is not its head's");
  const path = (proof.auditPath ?? []).map((h) => Buffer.from(h, 'hex'));
  if (head && !verifyInclusion(proof.leafIndex, head.treeSize, leaf, path, Buffer.from(head.rootHash, 'hex')))
    problems.push(`the audit path does not lead from leaf ${proof.leafIndex} to head ${head.treeSize}'s root`);
  return problems;
}

// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { keys: [], threads: os.availableParallelism() };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const flags = ['--heads', '--public-key', '--database-url', '--proof', '--threads', '--range-events'];
    if (!flags.includes(flag) || value === undefined) throw new Error(`unknown or incomplete argument: ${flag}`);
    i++;
    if (flag === '--heads') args.heads = value;
    if (flag === '--public-key') args.keys.push(value);
    if (flag === '--database-url') args.databaseUrl = value;
    if (flag === '--proof') args.proof = value;
    if (flag === '--threads') args.threads = Number(value);
    if (flag === '--range-events') args.rangeEvents = Number(value);
  }
  if (!Number.isInteger(args.threads) || args.threads < 1) throw new Error('--threads must be a whole number ≥ 1');
  if (args.rangeEvents !== undefined && !(Number.isInteger(args.rangeEvents) && args.rangeEvents >= 1))
    throw new Error('--range-events must be a whole number ≥ 1');
  if (args.keys.length === 0 || (!args.heads && !args.proof))
    throw new Error('give --public-key and --heads (or --proof)');
  return args;
}

// 1,234,567; not toLocaleString, whose first call (ICU's start) costs more than checking the heads.
const count = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

async function main() {
  let args;
  let keys;
  try {
    args = parseArgs(process.argv.slice(2));
    keys = loadKeys(args.keys);
  } catch (error) {
    console.error(`ledger-verify: ${error.message}`);
    console.error(
      'usage: ledger-verify --heads <dir> --public-key <file> [--public-key <file> …] [--database-url <url>]\n' +
        '                     [--threads <n>] [--range-events <n>] | --proof <file> --public-key <file>',
    );
    return 2;
  }

  if (args.proof) {
    const problems = checkProof(args.proof, keys);
    for (const problem of problems) console.log(`✗ ${problem}`);
    console.log(problems.length === 0 ? `✓ ${args.proof}: the event is in the signed tree` : 'FAILED');
    return problems.length === 0 ? 0 : 1;
  }

  const files = readdirSync(args.heads)
    .filter((name) => name.endsWith('.json'))
    .map((name) => path.join(args.heads, name))
    .filter((file) => statSync(file).isFile());
  const heads = [];
  const problems = [];
  for (const file of files) {
    const { head, problem } = readHead(file);
    if (head) heads.push({ head, file });
    else problems.push(`${path.basename(file)} ${problem}`);
  }
  heads.sort((a, b) => a.head.treeSize - b.head.treeSize);
  for (let i = 1; i < heads.length; i++) {
    if (heads[i].head.treeSize === heads[i - 1].head.treeSize)
      problems.push(
        `two heads of tree size ${heads[i].head.treeSize}: ${path.basename(heads[i - 1].file)}, ${path.basename(heads[i].file)}`,
      );
  }
  console.log(`Ledger verification: ${heads.length} head(s) in ${args.heads}, ${keys.size} public key(s)`);
  if (heads.length === 0) {
    console.log('✗ no heads to verify');
    return 1;
  }
  const newest = heads[heads.length - 1].head;
  problems.push(...checkHeads(heads, keys));
  if (problems.length === 0) {
    console.log(`✓ every head is signed by a given key, names the one before it, and is consistent with it`);
    console.log(
      `  newest: tree size ${count(newest.treeSize)}, root ${newest.rootHash.slice(0, 16)}…, ${newest.timestamp}`,
    );
  }

  const databaseUrl = args.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.log('  (no --database-url: the database was not compared with the heads)');
  } else {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // One snapshot for the whole comparison.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const started = performance.now();
      const { count: events, leaves, failed } = await replay(client, databaseUrl, heads, args);
      const seconds = (performance.now() - started) / 1000;
      if (!failed) {
        console.log(
          `✓ the database's ${count(events)} events up to the newest head reproduce every head's root ` +
            `(${count(Math.round(events / Math.max(seconds, 1e-9)))} events/s)`,
        );
      } else {
        problems.push(`the database's events do not reproduce head ${failed.treeSize} (${failed.timestamp})`);
        const lines = await diagnose(client, failed, leaves, events);
        problems.push(...lines.map((line) => `  ${line}`));
      }
      const [tx, pos] = newest.lastPosition.split(':');
      const { rows } = await client.query(
        'SELECT count(*)::text AS n FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)',
        [tx, pos],
      );
      console.log(`  ${count(Number(rows[0].n))} event(s) after the newest head: not covered by any head yet`);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }
  for (const problem of problems) console.log(problem.startsWith('  ') ? problem : `✗ ${problem}`);
  console.log(problems.length === 0 ? 'OK' : 'FAILED');
  return problems.length === 0 ? 0 : 1;
}

if (isMainThread) {
  process.exitCode = await main().catch((error) => {
    console.error(`ledger-verify: ${error.message}`);
    return 1;
  });
} else {
  await hashingThread(workerData);
}
