// The JSON API straight from node:http: the same route handlers as app/api
// (the files themselves, loaded from source), called with a standard Request
// without Next.js's router, render pipeline and response wrapping around
// them. Profiles of `npm start` under load showed those taking more CPU than
// our handlers (health: 3.0 ms a request through Next.js, 0.5 ms direct).
// Every check lives in the handlers (auth, roles, same-origin, rate limits,
// input), so nothing is skipped; server.ts still stamps the client address
// and the security headers on every response. Whatever this router does not
// know (another method, a malformed path, a page) goes to Next.js as before.
import { readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { loggerFor } from '../observability/logger';
import { observeRequest } from '../observability/http';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

type Route = {
  /** Path segments; `null` stands for a dynamic one (`[id]`), named in `params`. */
  segments: Array<string | null>;
  params: string[];
  file: string;
  handlers: Map<string, Handler>;
  /** The route's path pattern (`/api/orders/[id]`): its metrics label. */
  pattern: string;
};

export type ApiRouter = {
  /** Answers the request and returns true, or returns false without touching it (not ours: Next.js takes it). */
  serve: (req: IncomingMessage, res: ServerResponse) => boolean;
  routes: () => Array<{ path: string; methods: string[] }>;
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** As Next.js's `compress` (the compression middleware): gzip from 1 KiB when the client accepts it. */
const COMPRESS_FROM_BYTES = 1024;
/** Request bodies up to this size are read before the handler runs; larger or unsized ones are streamed. */
const BUFFERED_BODY_BYTES = 64 * 1024;
const gzipAsync = promisify(gzip);
const log = loggerFor('api');

/** Every `route.ts` under `apiDir` (app/api), imported. */
export async function loadApiRouter(apiDir = path.resolve('app/api')): Promise<ApiRouter> {
  const routes: Route[] = [];
  for (const file of routeFiles(apiDir)) {
    const folders = path.relative(path.dirname(apiDir), path.dirname(file)).split(path.sep);
    const params: string[] = [];
    const segments = folders.map((folder) => {
      const dynamic = /^\[(\w+)\]$/.exec(folder);
      if (dynamic) params.push(dynamic[1]!);
      return dynamic ? null : folder;
    });
    const exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const handlers = new Map<string, Handler>();
    for (const method of METHODS)
      if (typeof exported[method] === 'function') handlers.set(method, exported[method] as Handler);
    let i = 0;
    const pattern = '/' + segments.map((s) => s ?? `[${params[i++]}]`).join('/');
    routes.push({ segments, params, file, handlers, pattern });
  }
  // Static segments win over dynamic ones, as in Next.js.
  routes.sort((a, b) => a.params.length - b.params.length);

  function match(method: string, pathname: string) {
    const parts = pathname.split('/').slice(1);
    for (const route of routes) {
      if (route.segments.length !== parts.length) continue;
      const handler = route.handlers.get(method);
      if (!handler) continue;
      const values: string[] = [];
      const fits = route.segments.every((segment, i) => {
        if (segment !== null) return segment === parts[i];
        values.push(parts[i]!);
        return parts[i] !== '';
      });
      if (!fits) continue;
      let params: Record<string, string>;
      try {
        params = Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(values[i]!)]));
      } catch {
        return null; // a malformed escape: Next.js answers it
      }
      return { handler, params, pattern: route.pattern };
    }
    return null;
  }

  return {
    serve(req, res) {
      const url = req.url ?? '/';
      if (!url.startsWith('/api/')) return false;
      const query = url.indexOf('?');
      const matched = match(req.method ?? 'GET', query === -1 ? url : url.slice(0, query));
      if (!matched) return false;
      observeRequest(req, res, matched.pattern);
      void respond(req, res, matched.handler, matched.params);
      return true;
    },
    routes: () => routes.map((r) => ({ path: r.pattern, methods: [...r.handlers.keys()] })),
  };
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

async function respond(req: IncomingMessage, res: ServerResponse, handler: Handler, params: Record<string, string>) {
  let response: Response;
  try {
    response = await handler(await toRequest(req), { params: Promise.resolve(params) });
  } catch (error) {
    // The handlers turn their own errors into responses (respond.ts); this is a bug's last stop.
    log.error({ requestId: req.headers['x-request-id'], method: req.method, err: error }, 'handler threw');
    response = Response.json({ error: { code: 'INTERNAL', message: 'Internal error' } }, { status: 500 });
  }
  try {
    await send(req, res, response);
  } catch (error) {
    if (!res.headersSent) res.writeHead(500);
    res.destroy(error as Error);
  }
}

async function toRequest(req: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (value) for (const v of value) headers.append(name, v);
  }
  const host = req.headers.host && /^[\w.:[\]-]+$/.test(req.headers.host) ? req.headers.host : 'localhost';
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const declared = Number(req.headers['content-length']);
    if (Number.isInteger(declared) && declared <= BUFFERED_BODY_BYTES) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      init.body = Buffer.concat(chunks);
    } else {
      // Too big or of unknown size: the handler's capped read sees it as it arrives and stops it.
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
  }
  return new Request(`http://${host}${req.url}`, init);
}

async function send(req: IncomingMessage, res: ServerResponse, response: Response) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;

  if (response.body === null) {
    res.writeHead(response.status, headers).end();
    return;
  }
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    // A stream stays a stream, ended when the client goes.
    res.writeHead(response.status, headers);
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    res.once('close', () => body.destroy());
    body.pipe(res);
    return;
  }
  let body = Buffer.from(await response.arrayBuffer());
  if (body.length >= COMPRESS_FROM_BYTES && !headers['content-encoding'] && acceptsGzip(req)) {
    body = await gzipAsync(body);
    headers['content-encoding'] = 'gzip';
    headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function acceptsGzip(req: IncomingMessage): boolean {
  const accept = req.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept);
}
