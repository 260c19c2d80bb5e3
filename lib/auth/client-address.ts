import type { IncomingMessage } from 'node:http';

/**
 * The client's address for rate limiting. server.ts overwrites this header
 * on every request (stampClientAddress), so a client cannot choose it.
 */
export const CLIENT_ADDRESS_HEADER = 'x-ledgerline-client';

export function clientAddress(headers: Headers): string | null {
  return headers.get(CLIENT_ADDRESS_HEADER);
}

/** LEDGERLINE_TRUST_PROXY=1: a reverse proxy in front sets X-Forwarded-For and X-Forwarded-Proto, so they can be believed. */
export const trustsProxy = () => process.env.LEDGERLINE_TRUST_PROXY === '1';

/**
 * Whether the browser reached us over HTTPS. This server itself speaks plain
 * HTTP, so only a trusted proxy's X-Forwarded-Proto can say so; any other
 * client could send that header.
 */
export function viaHttps(headers: Headers): boolean {
  return trustsProxy() && headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/**
 * Sets CLIENT_ADDRESS_HEADER to the peer's address, or, behind a reverse proxy
 * (LEDGERLINE_TRUST_PROXY=1), to the address the proxy saw: the last entry of
 * X-Forwarded-For, the one the proxy itself appended. Without the setting the
 * header is ignored, since any client can send one.
 */
export function stampClientAddress(req: IncomingMessage, trustProxy = trustsProxy()) {
  const forwarded = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  const address = (trustProxy ? hops.at(-1) : undefined) ?? req.socket.remoteAddress ?? 'unknown';
  req.headers[CLIENT_ADDRESS_HEADER] = address;
}
