import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
/** What an incoming X-Request-Id may be (a proxy's or a client's id): short, and safe in a log line and a header. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id: a valid incoming X-Request-Id (a proxy in front may have
 * set it), or a new one. Written back into the request's headers, so the
 * route handlers (which see a standard Request built from them) read the same
 * id, and sent in the response.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.headers[REQUEST_ID_HEADER] = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The id assignRequestId gave this request, from its headers as a route handler or action sees them; undefined outside the server. */
export function requestIdOf(headers: Pick<Headers, 'get'>): string | undefined {
  const id = headers.get(REQUEST_ID_HEADER);
  return id !== null && VALID_REQUEST_ID.test(id) ? id : undefined;
}
