import { beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  call,
  countPlaced,
  countStream,
  customerAt,
  expectError,
  orderBody,
  placeOrder,
  tokenFor,
  type Handler,
} from './helpers';
import { POST as placeRoute } from '../../app/api/orders/route';
import { POST as cancelRoute } from '../../app/api/orders/[id]/cancel/route';
import { POST as shipRoute } from '../../app/api/orders/[id]/ship/route';
import { POST as addressRoute } from '../../app/api/orders/[id]/shipping-address/route';
import { POST as adjustRoute } from '../../app/api/orders/[id]/adjust/route';
import { DELETE as signOutRoute } from '../../app/api/auth/token/route';
import { GET as meRoute } from '../../app/api/auth/me/route';

// Requests here go to http://test/…, so "our own page" is the origin http://test.
// Customers 242–243 belong to this file.
let customer: string;
let orderId: string;
let cookie: string;

beforeAll(async () => {
  customer = await customerAt(242);
  orderId = (await placeOrder(await customerAt(243))).orderId;
  cookie = `ll_session=${await tokenFor('operator')}`;
});

const json = { 'content-type': 'application/json' };

const writes = [
  { name: 'POST /api/orders', handler: placeRoute, path: '/api/orders', body: () => orderBody(customer) },
  { name: 'POST …/cancel', handler: cancelRoute, path: '/cancel', body: () => ({ reason: 'Forged' }) },
  { name: 'POST …/ship', handler: shipRoute, path: '/ship', body: () => ({}) },
  { name: 'POST …/shipping-address', handler: addressRoute, path: '/addr', body: () => ({ address: address() }) },
  { name: 'POST …/adjust', handler: adjustRoute, path: '/adjust', body: () => ({ amountDelta: -1, reason: 'Forged' }) },
];

const send = (write: (typeof writes)[number], headers: Record<string, string>, body: unknown = write.body()) =>
  call(write.handler as Handler, write.path, {
    method: 'POST',
    body,
    headers: { cookie, ...headers },
    as: null,
    id: orderId,
  });

/** What a refused write could have changed: orders placed for this file's customer and the events of its order. */
const written = async () => (await countPlaced(customer)) + (await countStream(orderId));

describe('cookie-authenticated writes must come from our own pages', () => {
  const foreign: Array<[string, Record<string, string>]> = [
    ['another port of this host (Origin)', { ...json, origin: 'http://test:3999' }],
    ['another site (Origin)', { ...json, origin: 'https://evil.example' }],
    ['an opaque origin (Origin: null)', { ...json, origin: 'null' }],
    ['a same-site page (Sec-Fetch-Site, no Origin)', { ...json, 'sec-fetch-site': 'same-site' }],
    ['a cross-site page (Sec-Fetch-Site, no Origin)', { ...json, 'sec-fetch-site': 'cross-site' }],
    ['another port (Referer only)', { ...json, referer: 'http://test:3999/attack.html' }],
    ['nowhere it will say (no Origin, Sec-Fetch-Site or Referer)', json],
  ];

  for (const write of writes) {
    it.each(foreign)(`${write.name} from %s answers 403 and writes nothing`, async (_, headers) => {
      const before = await written();
      const res = await send(write, headers);
      expectError(res, 403, 'FORBIDDEN');
      expect(res.body.error.message).toContain('Authorization: Bearer');
      expect(await written()).toBe(before);
    });

    it(`${write.name} from our own page as text/plain (a no-preflight form or fetch) answers 415 and writes nothing`, async () => {
      const before = await written();
      const res = await send(
        write,
        { origin: 'http://test', 'content-type': 'text/plain' },
        JSON.stringify(write.body()),
      );
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(await written()).toBe(before);
    });
  }

  it('places an order sent as JSON from our own origin, or with only Sec-Fetch-Site: same-origin or a same-origin Referer', async () => {
    const before = await countPlaced(customer);
    const place = writes[0]!;
    for (const headers of [
      { ...json, origin: 'http://test' },
      { ...json, 'sec-fetch-site': 'same-origin' },
      { ...json, referer: 'http://test/orders' },
      { 'content-type': 'application/json; charset=utf-8', origin: 'http://TEST' },
    ]) {
      const res = await send(place, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(await countPlaced(customer)).toBe(before + 4);
  });

  it('leaves bearer-token scripts alone, whatever Origin and Content-Type they send', async () => {
    const before = await countPlaced(customer);
    const res = await call(placeRoute as Handler, '/api/orders', {
      method: 'POST',
      body: JSON.stringify(orderBody(customer)),
      headers: { origin: 'http://test:3999', 'content-type': 'text/plain' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await countPlaced(customer)).toBe(before + 1);
  });

  it('refuses a cross-origin sign-out by cookie, and the session stays', async () => {
    const token = await tokenFor('viewer');
    const res = await call(signOutRoute as Handler, '/api/auth/token', {
      method: 'DELETE',
      headers: { cookie: `ll_session=${token}`, origin: 'http://test:3999' },
      as: null,
    });
    expectError(res, 403, 'FORBIDDEN');
    expect((await call(meRoute as Handler, '/api/auth/me', { as: 'viewer' })).status).toBe(200);
  });

  it('still reads by cookie from anywhere a browser allows (GET is not a write)', async () => {
    const res = await call(meRoute as Handler, '/api/auth/me', {
      headers: { cookie, origin: 'http://test:3999' },
      as: null,
    });
    expect(res.status).toBe(200);
  });
});
