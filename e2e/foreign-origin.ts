import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves HTML from another port of 127.0.0.1: another origin, yet the same
 * site as the app, so the browser sends the app's SameSite=Lax cookie along.
 * What an attacker's page next door can do, the tests do from here.
 */
export async function serveForeignPage(html: (path: string) => string) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html(req.url ?? '/'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
