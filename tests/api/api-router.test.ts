import { readdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStreamCount } from '../../lib/feed/registry';
import { loadApiRouter, type ApiRouter } from '../../lib/server/api-router';
import { customerAt, orderBody, tokenFor, UUID } from './helpers';

// The API as production serves it: node:http → lib/server/api-router.ts →
// the route handlers, with everything the router does not take answered by
// a stand-in for Next.js (status 599), so a test sees which side answered.
// Customer 244 belongs to this file.

const NEXT = 599;
let router: ApiRouter;
let server: Server;
let port: number;
let token: string;

beforeAll(async () => {
  router = await loadApiRouter(path.resolve('app/api'));
  server = createServer((req, res) => {
    if (!router.serve(req, res)) res.writeHead(NEXT).end('next');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  token = await tokenFor('operator');
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

type Sent = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** A raw HTTP request: `chunked` sends the body without a Content-Length. */
function send(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: url, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (options.body !== undefined && !options.chunked)
      req.setHeader('content-length', Buffer.byteLength(options.body));
    req.end(options.body);
  });
}

const bearer = () => ({ authorization: `Bearer ${token}` });
const json = (sent: Sent) => JSON.parse(sent.body.toString('utf8'));

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? routeFiles(path.join(dir, entry.name))
      : entry.name === 'route.ts'
        ? [path.relative(path.resolve('app'), dir)]
        : [],
  );
}

describe('the API router', () => {
  it('serves every route file under app/api, with the methods each exports', async () => {
    const served = router.routes();
    expect(served.map((r) => r.path.slice(1)).sort()).toEqual(routeFiles(path.resolve('app/api')).sort());
    expect(served.find((r) => r.path === '/api/orders')?.methods.sort()).toEqual(['GET', 'POST']);
    expect(served.find((r) => r.path === '/api/auth/token')?.methods.sort()).toEqual(['DELETE', 'POST']);
    expect(served.find((r) => r.path === '/api/orders/[id]/ship')?.methods).toEqual(['POST']);
  });

  it('answers through the handlers: auth, JSON, Content-Length', async () => {
    const health = await send('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(json(health)).toEqual({ status: 'ok', database: 'up' });
    expect(health.headers['content-length']).toBe(String(health.body.length));

    const anonymous = await send('GET', '/api/orders');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="ledgerline"');
    expect(json(anonymous).error.code).toBe('UNAUTHENTICATED');

    const signedIn = await send('GET', '/api/orders?limit=2', { headers: bearer() });
    expect(signedIn.status).toBe(200);
    expect(json(signedIn).orders.length).toBeLessThanOrEqual(2);
  });

  it('passes path parameters decoded, and query strings as they came', async () => {
    const unknown = await send('GET', '/api/orders/00000000-0000-4000-8000-00000000abcd', { headers: bearer() });
    expect(unknown.status).toBe(404);
    expect(json(unknown).error.code).toBe('NOT_FOUND');
    const bad = await send('GET', '/api/orders?limit=0', { headers: bearer() });
    expect(bad.status).toBe(400);
    expect(json(bad).error.fields.limit).toBeDefined();
  });

  it('places an order (201 with its ETag) and refuses an oversized body, declared or chunked, with 413', async () => {
    const body = JSON.stringify(orderBody(await customerAt(244)));
    const placed = await send('POST', '/api/orders', {
      headers: { ...bearer(), 'content-type': 'application/json' },
      body,
    });
    expect(placed.status).toBe(201);
    expect(json(placed).orderId).toMatch(UUID);
    expect(placed.headers.etag).toBe('"1"');

    const huge = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
    for (const chunked of [false, true]) {
      const refused = await send('POST', '/api/orders', {
        headers: { ...bearer(), 'content-type': 'application/json' },
        body: huge,
        chunked,
      });
      expect(refused.status).toBe(413);
      expect(json(refused).error.code).toBe('PAYLOAD_TOO_LARGE');
    }
  });

  it('compresses bodies of 1 KiB or more for clients that accept gzip, as Next.js does', async () => {
    const plain = await send('GET', '/api/catalog', { headers: bearer() });
    expect(plain.body.length).toBeGreaterThan(1024);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const zipped = await send('GET', '/api/catalog', { headers: { ...bearer(), 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(json(plain));
    // Small bodies are not worth it.
    const small = await send('GET', '/api/health', { headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('streams the event feed as it comes (no buffering, no gzip), and ends the stream when the client goes', async () => {
    const before = openStreamCount();
    const { status, headers, firstEvent, close } = await new Promise<{
      status: number;
      headers: Record<string, string | string[] | undefined>;
      firstEvent: string;
      close: () => void;
    }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/events/stream?after=0:0',
          headers: { ...bearer(), 'accept-encoding': 'gzip' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            // One whole event message is enough: it arrived while the response is still open.
            const message = text.split('\n\n').find((m) => m.startsWith('id: '));
            if (message)
              resolve({
                status: res.statusCode!,
                headers: res.headers,
                firstEvent: message,
                close: () => req.destroy(),
              });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(headers['content-encoding']).toBeUndefined();
    expect(firstEvent).toMatch(/^id: \d+:\d+\ndata: \{/);
    expect(openStreamCount()).toBe(before + 1);
    close();
    for (const deadline = Date.now() + 5_000; openStreamCount() > before && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(openStreamCount()).toBe(before);
  });

  it('leaves to Next.js what it does not serve: other paths, methods, trailing slashes, bad escapes', async () => {
    for (const [method, url] of [
      ['GET', '/orders'],
      ['GET', '/api/nothing-here'],
      ['PUT', '/api/orders'],
      ['HEAD', '/api/health'],
      ['OPTIONS', '/api/orders'],
      ['GET', '/api/orders/'],
      ['GET', '/api/orders/%E0%A4%A/state'],
      ['POST', '/api/orders//ship'],
    ] as const) {
      const sent = await send(method, url, { headers: bearer() });
      expect({ method, url, status: sent.status }).toEqual({ method, url, status: NEXT });
    }
  });
});
