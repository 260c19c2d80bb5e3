import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCustomers } from '../../lib/db/seed';
import { startProjectionWorker, type ProjectionWorker } from '../../lib/projections/worker';
import { PROJECTIONS } from '../../lib/read-models';
import { isolatedDatabase } from '../support/db';
import { sessionTokenFor } from '../support/session';

// Two web nodes (processes of their own, each with its own cache of the
// serving pointer) under steady reads and writes while an operator switches
// order_metrics to v2 on one node and rolls it back on the other: no request
// fails, and each node follows each switch within a second.

const url = await isolatedDatabase();
const pool = new pg.Pool({ connectionString: url, max: 4 });
const children: ChildProcess[] = [];
let worker: ProjectionWorker;
let ports: number[] = [];
let token = '';

function startNode(): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/app-child.ts'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('web node did not start')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
}

async function request(port: number, method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  // One after the other: each applies pending migrations at start, under Prisma's advisory lock.
  ports = [await startNode(), await startNode()];
  token = await sessionTokenFor(pool, 'operator');
  worker = startProjectionWorker({ connectionString: url, projections: PROJECTIONS, pollMs: 20 });
}, 150_000);

afterAll(async () => {
  children.forEach((child) => child.kill('SIGKILL'));
  await worker?.stop();
  await pool.end();
});

describe('a switch under load with two web nodes', () => {
  it('fails no request, and every node follows the switch and the rollback within a second', async () => {
    const customers = seedCustomers().slice(0, 4);
    const address = { name: 'Ada', line1: '1 Loop St', city: 'Oslo', postalCode: '0150', country: 'NO' };
    const failures: string[] = [];
    let requests = 0;
    let stop = false;
    const load = Array.from({ length: 6 }, async (_, n) => {
      for (let i = 0; !stop; i++) {
        const port = ports[(n + i) % 2]!;
        const res =
          i % 3 === 0
            ? await request(port, 'POST', '/api/orders', {
                customerId: customers[i % customers.length]!.id,
                items: [{ sku: 'SKU-0003', quantity: 1 }],
                shippingAddress: address,
              })
            : await request(port, 'GET', i % 3 === 1 ? '/api/stats/metrics' : '/api/orders?limit=5');
        requests++;
        if (res.status >= 300) failures.push(`${res.status} ${JSON.stringify(res.body)}`);
      }
    });

    const readyV2 = async () => {
      const { body } = await request(ports[0]!, 'GET', '/api/projections');
      const metrics = (
        body.projections as Array<{ name: string; versions: Array<{ version: number; state: string }> }>
      ).find((p) => p.name === 'order_metrics');
      return metrics?.versions.find((v) => v.version === 2)?.state === 'ready';
    };
    for (const deadline = Date.now() + 30_000; !(await readyV2()); await sleep(50)) {
      if (Date.now() > deadline) throw new Error('order_metrics v2 did not get ready');
    }
    await sleep(500);

    /** ms until `port` answers the metrics with (or without) the v2 breakdown. */
    const follows = async (port: number, v2: boolean) => {
      const started = Date.now();
      for (;;) {
        const { body } = await request(port, 'GET', '/api/stats/metrics');
        if ((body.cancellationsByReason !== null) === v2) return Date.now() - started;
        if (Date.now() - started > 5_000) throw new Error(`node ${port} did not follow`);
        await sleep(10);
      }
    };
    const switched = await request(ports[0]!, 'POST', '/api/projections/order_metrics/versions/2/switch', {
      reason: 'cancellations by reason',
    });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    const switchedAfter = await follows(ports[1]!, true);
    await sleep(300);
    const back = await request(ports[1]!, 'POST', '/api/projections/order_metrics/rollback', { reason: 'drill' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    const backAfter = await follows(ports[0]!, false);
    await sleep(300);
    stop = true;
    await Promise.all(load);

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(50);
    expect(switchedAfter).toBeLessThan(1_000);
    expect(backAfter).toBeLessThan(1_000);
  }, 90_000);
});
