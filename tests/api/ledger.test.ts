import { createPublicKey } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, customerAt, placeOrder, pool, type Handler } from './helpers';
import { GET as proofRoute } from '../../app/api/events/[position]/proof/route';
import { GET as consistencyRoute } from '../../app/api/ledger/consistency/route';
import { GET as latestRoute } from '../../app/api/ledger/heads/latest/route';
import { GET as headsRoute } from '../../app/api/ledger/heads/route';
import { GET as publicKeyRoute } from '../../app/api/ledger/public-key/route';
import { GET as statusRoute } from '../../app/api/ledger/status/route';
import { verifyHeadSignature, type SignedHead } from '../../lib/ledger/head';
import { leafBytes, type LeafRow } from '../../lib/ledger/leaf';
import { leafHash, verifyConsistency, verifyInclusion } from '../../lib/ledger/tree';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { testLedger } from '../support/ledger';

const ledger = testLedger(50);
let worker: ProjectionWorker | null = null;
afterAll(async () => {
  await worker?.stop();
  rmSync(ledger.dir, { recursive: true, force: true });
});

const get = (handler: unknown, path: string, options: Parameters<typeof call>[2] = {}) =>
  call(handler as Handler, path, options);
const proof = (position: string, query = '') =>
  get(proofRoute, `/api/events/${position}/proof${query}`, { params: { position } });

describe('before the ledger has signed anything', () => {
  it('has no head and no key to serve (404)', async () => {
    expect((await get(latestRoute, '/api/ledger/heads/latest')).status).toBe(404);
    expect((await get(publicKeyRoute, '/api/ledger/public-key', { as: null })).status).toBe(404);
  });
});

describe('the ledger API', () => {
  let orderPosition: string;
  let first: SignedHead;
  let latest: SignedHead;

  beforeAll(async () => {
    worker = startProjectionWorker({
      connectionString: process.env.DATABASE_URL!,
      projections: [],
      ledger: ledger.settings,
      pollMs: 20,
    });
    // Customer 247 belongs to this file. Two orders a head apart: at least two heads.
    orderPosition = (await placeOrder(await customerAt(247))).position;
    first = await headCovering(orderPosition);
    latest = await headCovering((await placeOrder(await customerAt(247))).position, first.treeSize);
  });

  /** Waits for a head that covers the event at `position` (and is larger than `after`). */
  async function headCovering(position: string, after = 0): Promise<SignedHead> {
    const [transactionId, globalPosition] = position.split(':');
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(25)) {
      const { rows } = await pool().query<{ covered: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ledger_leaves l JOIN ledger_heads h ON h.tree_size > l.leaf_index
                         WHERE l.global_position = $1 AND l.transaction_id = $2 AND h.tree_size > $3) AS covered`,
        [globalPosition, transactionId, after],
      );
      if (rows[0]!.covered) {
        const res = await get(latestRoute, '/api/ledger/heads/latest');
        expect(res.status).toBe(200);
        return res.body as SignedHead;
      }
    }
    throw new Error(`no head came to cover ${position}`);
  }

  it('serves the public key to anyone, as JSON or as a PEM file, and it checks the heads', async () => {
    const res = await get(publicKeyRoute, '/api/ledger/public-key', { as: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ keyId: latest.keyId, algorithm: 'Ed25519' });
    expect(res.body.publicKeyPem).toBe(readFileSync(ledger.publicKeyFile, 'utf8'));
    expect(verifyHeadSignature(latest, createPublicKey(res.body.publicKeyPem))).toBe(true);

    const pem = await get(publicKeyRoute, '/api/ledger/public-key', {
      as: null,
      headers: { accept: 'application/x-pem-file' },
    });
    expect(pem.status).toBe(200);
    expect(pem.body).toBe(res.body.publicKeyPem);

    const byId = await get(publicKeyRoute, `/api/ledger/public-key?keyId=${latest.keyId}`, { as: null });
    expect(byId.body.keyId).toBe(latest.keyId);
    expect((await get(publicKeyRoute, `/api/ledger/public-key?keyId=${'0'.repeat(64)}`, { as: null })).status).toBe(
      404,
    );
    expect((await get(publicKeyRoute, '/api/ledger/public-key?keyId=xyz', { as: null })).status).toBe(400);
  });

  it('lists heads oldest first, page by page, each consistent with the one before', async () => {
    const page = await get(headsRoute, `/api/ledger/heads?from=${first.treeSize}&limit=1`, { as: 'viewer' });
    expect(page.status).toBe(200);
    expect(page.body.heads).toEqual([first]);
    expect(page.body.nextFrom).toBeGreaterThan(first.treeSize);
    const all = await get(headsRoute, '/api/ledger/heads?limit=1000');
    const heads = all.body.heads as SignedHead[];
    expect(heads.map((h) => h.treeSize)).toEqual([...heads.map((h) => h.treeSize)].sort((a, b) => a - b));
    for (const [i, head] of heads.entries()) {
      if (i === 0) continue;
      const previous = heads[i - 1]!;
      expect(head.consistencyProof?.fromTreeSize).toBe(previous.treeSize);
      const hashes = head.consistencyProof!.hashes.map((h) => Buffer.from(h, 'hex'));
      expect(
        verifyConsistency(
          previous.treeSize,
          head.treeSize,
          Buffer.from(previous.rootHash, 'hex'),
          Buffer.from(head.rootHash, 'hex'),
          hashes,
        ),
      ).toBe(true);
    }
    for (const bad of ['limit=0', 'limit=1001', 'from=-1', 'from=abc', 'limit=1.5'])
      expect((await get(headsRoute, `/api/ledger/heads?${bad}`)).status, bad).toBe(400);
  });

  it('asks who is calling', async () => {
    for (const [handler, path] of [
      [latestRoute, '/api/ledger/heads/latest'],
      [headsRoute, '/api/ledger/heads'],
      [consistencyRoute, `/api/ledger/consistency?from=${first.treeSize}`],
      [statusRoute, '/api/ledger/status'],
    ] as const)
      expect((await get(handler, path, { as: null })).status, path).toBe(401);
    expect((await proof(orderPosition, '')).status).toBe(200);
    const anonymous = await get(proofRoute, `/api/events/${orderPosition}/proof`, {
      as: null,
      params: { position: orderPosition },
    });
    expect(anonymous.status).toBe(401);
  });

  it('proves an event in a signed head, by position or by global position alone', async () => {
    for (const [position, query] of [
      [orderPosition, ''],
      [orderPosition.split(':')[1]!, `?treeSize=${first.treeSize}`],
    ] as const) {
      const res = await proof(position, query);
      expect(res.status).toBe(200);
      const body = res.body as {
        leafIndex: number;
        treeSize: number;
        leafHash: string;
        auditPath: string[];
        head: SignedHead;
        event: { position: string; leaf: { fields: LeafRow } };
      };
      expect(body.event.position).toBe(orderPosition);
      expect(body.treeSize).toBe(query ? first.treeSize : latest.treeSize);
      expect(leafHash(leafBytes(body.event.leaf.fields)).toString('hex')).toBe(body.leafHash);
      const path = body.auditPath.map((h) => Buffer.from(h, 'hex'));
      const root = Buffer.from(body.head.rootHash, 'hex');
      expect(verifyInclusion(body.leafIndex, body.treeSize, Buffer.from(body.leafHash, 'hex'), path, root)).toBe(true);
    }
  });

  it('answers impossible proof requests with 400 or 404, never 500', async () => {
    expect((await proof('not-a-position')).status).toBe(404);
    expect((await proof('999999999999')).status).toBe(404);
    expect((await proof(orderPosition, '?treeSize=0')).status).toBe(400);
    expect((await proof(orderPosition, '?treeSize=abc')).status).toBe(400);
    // No head of that size.
    expect((await proof(orderPosition, `?treeSize=${latest.treeSize + 1_000_000}`)).status).toBe(404);
    // A head too small to hold the event.
    const { rows } = await pool().query<{ size: string | null }>(
      `SELECT min(tree_size)::text AS size FROM ledger_heads
        WHERE tree_size <= (SELECT leaf_index FROM ledger_leaves WHERE global_position = $1)`,
      [orderPosition.split(':')[1]],
    );
    if (rows[0]!.size !== null) expect((await proof(orderPosition, `?treeSize=${rows[0]!.size}`)).status).toBe(400);
  });

  it('proves consistency between two heads, and refuses what is not a pair of heads', async () => {
    const res = await get(consistencyRoute, `/api/ledger/consistency?from=${first.treeSize}&to=${latest.treeSize}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fromTreeSize: first.treeSize, toTreeSize: latest.treeSize });
    const hashes = (res.body.proof as string[]).map((h) => Buffer.from(h, 'hex'));
    const [a, b] = [Buffer.from(first.rootHash, 'hex'), Buffer.from(latest.rootHash, 'hex')];
    expect(verifyConsistency(first.treeSize, latest.treeSize, a, b, hashes)).toBe(true);

    expect((await get(consistencyRoute, '/api/ledger/consistency')).status).toBe(400);
    expect((await get(consistencyRoute, '/api/ledger/consistency?from=x')).status).toBe(400);
    expect(
      (await get(consistencyRoute, `/api/ledger/consistency?from=${latest.treeSize}&to=${first.treeSize}`)).status,
    ).toBe(400);
    expect((await get(consistencyRoute, `/api/ledger/consistency?from=${latest.treeSize + 1_000_000}`)).status).toBe(
      404,
    );
  });

  it('says how far the newest head trails the log', async () => {
    const res = await get(statusRoute, '/api/ledger/status', { as: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.head.treeSize).toBeGreaterThanOrEqual(latest.treeSize);
    expect(res.body.treeSize).toBeGreaterThanOrEqual(res.body.head.treeSize);
    expect(res.body).toMatchObject({ lastError: null, heartbeatAt: expect.any(String) });
    expect(Object.keys(res.body).sort()).toEqual(
      ['head', 'heartbeatAt', 'lastError', 'trailingEvents', 'trailingMs', 'treeSize'].sort(),
    );
  });
});
