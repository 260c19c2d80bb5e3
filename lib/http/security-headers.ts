// Security headers for every response of the one HTTP server: pages, API
// routes, Next.js assets and Socket.IO's own answers. (No `import
// 'server-only'`: server.ts loads this under plain Node, where that package
// throws; proxy.ts loads it too.)
import type { Server as HttpServer } from 'node:http';

/** Headers that are the same on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // Order ids are in our paths; no other site needs to see them.
  'Referrer-Policy': 'same-origin',
  // frame-ancestors 'none' says the same to browsers that know CSP.
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/**
 * For everything that is not a page (JSON, CSV, images, scripts, Socket.IO's
 * polling answers): such a response runs nothing, loads nothing and is never framed.
 */
export const STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * A page's policy. Next.js puts the nonce on every script it renders when it
 * finds this policy on the request (proxy.ts sets it there and on the
 * response); scripts those load are trusted through 'strict-dynamic'.
 */
export function pagePolicy(nonce: string, { dev = false } = {}): string {
  return [
    "default-src 'self'",
    // The API reference's stylesheet (/api-docs) draws its icons as data: images. On every page, not
    // only that one: a client-side navigation keeps the policy of the page it started from. An image
    // runs nothing, even an SVG one.
    "img-src 'self' data:",
    // React's development build evaluates code for its dev tools; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // No <style> element needs allowing in production (the dev overlay writes some)...
    `style-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    // ...but recharts and React's `style=` write style attributes, which no nonce can cover.
    "style-src-attr 'unsafe-inline'",
    // 'self' covers the WebSocket of Socket.IO (and of the dev server) on this origin.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** 128 random bits, base64: what a nonce-source accepts. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * Sets the headers, with the strict policy, on every response before any
 * handler runs; pages replace the policy with their own (proxy.ts). Call it
 * after Socket.IO is attached: engine.io takes over the request listeners
 * that exist when it attaches and calls them only for requests that are not its own.
 */
export function secureResponses(server: HttpServer) {
  server.prependListener('request', (_req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('Content-Security-Policy', STRICT_POLICY);
  });
}
