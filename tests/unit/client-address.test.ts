import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER, stampClientAddress } from '../../lib/auth/client-address';

const request = (headers: Record<string, string>, remoteAddress = '10.0.0.9') =>
  ({ headers: { ...headers }, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('stampClientAddress', () => {
  it('uses the peer address and overwrites whatever the client sent', () => {
    const req = request({ [CLIENT_ADDRESS_HEADER]: '1.2.3.4', 'x-forwarded-for': '5.6.7.8' });
    stampClientAddress(req, false);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe('10.0.0.9');
  });

  it('behind a trusted proxy, takes the hop the proxy appended, not one the client made up', () => {
    const req = request({ 'x-forwarded-for': 'spoofed, 203.0.113.7' });
    stampClientAddress(req, true);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe('203.0.113.7');
  });

  it('falls back to the peer when a trusted proxy sent no X-Forwarded-For', () => {
    const req = request({});
    stampClientAddress(req, true);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe('10.0.0.9');
  });
});
