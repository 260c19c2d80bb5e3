import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  call,
  commandRecorded,
  countPlaced,
  countStream,
  customerAt,
  expectError,
  expectValidation,
  newKey,
  orderBody,
  pool,
  POSITION,
  UUID,
  type Handler,
  tokenFor,
} from './helpers';
import { POST } from '../../app/api/orders/route';

const post = (body: unknown, headers: Record<string, string> = {}) =>
  call(POST as Handler, '/api/orders', { method: 'POST', body, headers });

// Customers 200–209 belong to this file (see customerAt).
let happyCustomer: string;
let replayCustomer: string;
let rejectedCustomer: string;
let racingCustomer: string;
let sharedKeyCustomer: string;

beforeAll(async () => {
  happyCustomer = await customerAt(200);
  replayCustomer = await customerAt(201);
  rejectedCustomer = await customerAt(202);
  racingCustomer = await customerAt(203);
  sharedKeyCustomer = await customerAt(204);
});

describe('POST /api/orders', () => {
  it('creates the order at version 1 and prices it from the catalog', async () => {
    const res = await post(orderBody(happyCustomer));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      orderId: expect.stringMatching(UUID),
      version: 1,
      position: expect.stringMatching(POSITION),
    });
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await countStream(res.body.orderId)).toBe(1);

    const { rows } = await pool().query('SELECT event_type, data FROM events WHERE stream_id = $1', [
      `order-${res.body.orderId}`,
    ]);
    expect(rows[0].event_type).toBe('OrderPlaced');
    // SKU-0001 costs 499 and SKU-0002 costs 499 + 3733.
    expect(rows[0].data).toMatchObject({
      customerId: happyCustomer,
      currency: 'EUR',
      total: 2 * 499 + 4232,
      shippingAddress: address(),
    });
  });

  it('trims text fields before storing them', async () => {
    const res = await post(orderBody(happyCustomer, { shippingAddress: address({ city: '  Paris  ' }) }));
    expect(res.status).toBe(201);
    const { rows } = await pool().query(
      `SELECT data->'shippingAddress'->>'city' AS city FROM events WHERE stream_id = $1`,
      [`order-${res.body.orderId}`],
    );
    expect(rows[0].city).toBe('Paris');
  });

  describe('Idempotency-Key', () => {
    it('answers a replay with the first result and writes nothing', async () => {
      const key = newKey();
      const first = await post(orderBody(replayCustomer), { 'Idempotency-Key': key });
      expect(first.status).toBe(201);
      const again = await post(orderBody(replayCustomer), { 'Idempotency-Key': key });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('etag')).toBe('"1"');
      expect(await countStream(first.body.orderId)).toBe(1);
      expect(await countPlaced(replayCustomer)).toBe(1);
    });

    it('places one order when the same request races itself', async () => {
      const key = newKey();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => post(orderBody(racingCustomer), { 'Idempotency-Key': key })),
      );
      // Every racer gets the one result, whichever of them wrote it.
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect(await countPlaced(racingCustomer)).toBe(1);
      const retry = await post(orderBody(racingCustomer), { 'Idempotency-Key': key });
      expect(retry).toMatchObject({ status: 201, body: results[0]!.body });
    });

    it('belongs to its caller: another user with the same key and body places an order of their own', async () => {
      const key = newKey();
      const mine = await post(orderBody(sharedKeyCustomer), { 'Idempotency-Key': key });
      const before = await countPlaced(sharedKeyCustomer);
      const theirs = await call(POST as Handler, '/api/orders', {
        method: 'POST',
        body: orderBody(sharedKeyCustomer),
        headers: { 'Idempotency-Key': key },
        as: 'clerk',
      });
      expect(mine.status).toBe(201);
      expect(theirs.status).toBe(201);
      expect(theirs.body.orderId).not.toBe(mine.body.orderId);
      expect(await countPlaced(sharedKeyCustomer)).toBe(before + 1);
      // Each caller's replay still answers with their own first result.
      expect((await post(orderBody(sharedKeyCustomer), { 'Idempotency-Key': key })).body).toEqual(mine.body);
      const theirReplay = await call(POST as Handler, '/api/orders', {
        method: 'POST',
        body: orderBody(sharedKeyCustomer),
        headers: { 'Idempotency-Key': key },
        as: 'clerk',
      });
      expect(theirReplay.body).toEqual(theirs.body);
    });

    it('refuses the same key with a different body (409 CONFLICT) and writes nothing', async () => {
      const key = newKey();
      const first = await post(orderBody(rejectedCustomer, { items: [{ sku: 'SKU-0003', quantity: 1 }] }), {
        'Idempotency-Key': key,
      });
      expect(first.status).toBe(201);
      const before = await countPlaced(rejectedCustomer);
      const res = await post(orderBody(rejectedCustomer, { items: [{ sku: 'SKU-0003', quantity: 2 }] }), {
        'Idempotency-Key': key,
      });
      expectError(res, 409, 'CONFLICT');
      expect(res.body.error.message).toContain(key);
      expect(await countPlaced(rejectedCustomer)).toBe(before);
      expect(await countStream(first.body.orderId)).toBe(1);
    });

    it('accepts a key of exactly 200 printable characters', async () => {
      const key = `${newKey()} ~!`.padEnd(200, 'k');
      const res = await post(orderBody(happyCustomer), { 'Idempotency-Key': key });
      expect(res.status).toBe(201);
      expect(await commandRecorded(key)).toBe(true);
    });

    it.each([
      ['empty', ''],
      ['201 characters', 'k'.repeat(201)],
      ['non-ASCII', 'clé-1'],
      ['a control character', 'a\tb'],
    ])('rejects a key that is %s (400) and writes nothing', async (_, key) => {
      const before = await countPlaced(rejectedCustomer);
      const res = await post(orderBody(rejectedCustomer), { 'Idempotency-Key': key });
      expectValidation(res, { 'Idempotency-Key': 'Idempotency-Key must be 1 to 200 printable ASCII characters.' });
      expect(await countPlaced(rejectedCustomer)).toBe(before);
    });
  });

  describe('bad input answers 400 with fields and writes nothing', () => {
    const cases: Array<[string, (customerId: string) => unknown, Record<string, unknown>]> = [
      [
        'an empty object',
        () => ({}),
        { customerId: expect.any(String), items: 'Items are required.', shippingAddress: expect.any(String) },
      ],
      [
        'quantity 0',
        (c) => orderBody(c, { items: [{ sku: 'SKU-0001', quantity: 0 }] }),
        { 'items.0.quantity': 'Quantity must be at least 1.' },
      ],
      [
        'quantity 1000',
        (c) => orderBody(c, { items: [{ sku: 'SKU-0001', quantity: 1000 }] }),
        { 'items.0.quantity': 'Quantity must be at most 999.' },
      ],
      [
        'quantity 1.5',
        (c) => orderBody(c, { items: [{ sku: 'SKU-0001', quantity: 1.5 }] }),
        { 'items.0.quantity': 'Quantity must be a whole number.' },
      ],
      [
        'quantity as a string',
        (c) => orderBody(c, { items: [{ sku: 'SKU-0001', quantity: '2' }] }),
        { 'items.0.quantity': 'Quantity must be a number.' },
      ],
      [
        '51 lines',
        (c) =>
          orderBody(c, {
            items: Array.from({ length: 51 }, (_, i) => ({
              sku: `SKU-${String(i + 1).padStart(4, '0')}`,
              quantity: 1,
            })),
          }),
        { items: 'An order has at most 50 lines.' },
      ],
      ['no lines', (c) => orderBody(c, { items: [] }), { items: 'An order needs at least one line.' }],
      ['a missing SKU', (c) => orderBody(c, { items: [{ quantity: 1 }] }), { 'items.0.sku': 'Product is required.' }],
      [
        'a customer id that is not a UUID',
        (c) => orderBody(c, { customerId: 'customer-1' }),
        { customerId: 'Choose a customer.' },
      ],
      [
        'a blank city',
        (c) => orderBody(c, { shippingAddress: address({ city: '   ' }) }),
        { 'shippingAddress.city': 'City is required.' },
      ],
      [
        'a missing postal code',
        (c) => orderBody(c, { shippingAddress: address({ postalCode: undefined }) }),
        { 'shippingAddress.postalCode': 'Postal code is required.' },
      ],
      [
        'a country given by name, not code',
        (c) => orderBody(c, { shippingAddress: address({ country: 'Norway' }) }),
        {
          'shippingAddress.country': 'Country must be an ISO 3166 country code, such as NL: choose one from the list.',
        },
      ],
      [
        'a code that names no country',
        (c) => orderBody(c, { shippingAddress: address({ country: 'EU' }) }),
        {
          'shippingAddress.country': 'Country must be an ISO 3166 country code, such as NL: choose one from the list.',
        },
      ],
      [
        'a missing country',
        (c) => orderBody(c, { shippingAddress: address({ country: ' ' }) }),
        { 'shippingAddress.country': 'Country is required.' },
      ],
      // Found by the use case, not the schema: the catalog and customers live in the database.
      [
        'an unknown SKU',
        (c) => orderBody(c, { items: [{ sku: 'SKU-9999', quantity: 1 }] }),
        { 'items.0.sku': 'Unknown product SKU-9999' },
      ],
      [
        'an unknown SKU on a later line',
        (c) =>
          orderBody(c, {
            items: [
              { sku: 'SKU-0001', quantity: 1 },
              { sku: 'NOPE', quantity: 1 },
            ],
          }),
        { 'items.1.sku': 'Unknown product NOPE' },
      ],
      [
        'the same SKU twice',
        (c) =>
          orderBody(c, {
            items: [
              { sku: 'SKU-0001', quantity: 1 },
              { sku: 'SKU-0001', quantity: 2 },
            ],
          }),
        { 'items.1.sku': 'Product SKU-0001 appears more than once' },
      ],
      [
        'a NUL character (which PostgreSQL cannot store)',
        (c) => orderBody(c, { shippingAddress: address({ name: 'Ada\u0000' }) }),
        { 'shippingAddress.name': expect.stringContaining('NUL') },
      ],
      [
        'an unpaired surrogate',
        (c) => orderBody(c, { shippingAddress: address({ line1: 'x\uD800y' }) }),
        { 'shippingAddress.line1': expect.stringContaining('surrogate') },
      ],
      [
        'a NUL character in a SKU',
        (c) => orderBody(c, { items: [{ sku: 'SKU-0001\u0000', quantity: 1 }] }),
        { 'items.0.sku': expect.stringContaining('NUL') },
      ],
    ];

    it.each(cases)('%s', async (_, body, fields) => {
      const key = newKey();
      const before = await countPlaced(rejectedCustomer);
      const res = await post(body(rejectedCustomer), { 'Idempotency-Key': key });
      expectValidation(res, fields);
      expect(await countPlaced(rejectedCustomer)).toBe(before);
      expect(await commandRecorded(key)).toBe(false);
    });

    it('reports an unknown customer on customerId', async () => {
      const stranger = randomUUID();
      const res = await post(orderBody(stranger));
      expectValidation(res, { customerId: `Unknown customer ${stranger}` });
      expect(await countPlaced(stranger)).toBe(0);
    });
  });

  describe('bodies that are not a JSON object answer 400 and write nothing', () => {
    it.each([
      ['malformed JSON', '{"customerId": "x", "items": ['],
      ['a JSON array', '[]'],
      ['a JSON string', '"order"'],
      ['JSON null', 'null'],
      ['a JSON number', '42'],
      ['an empty body', ''],
      ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ])('%s', async (_, body) => {
      const before = await countPlaced(rejectedCustomer);
      const res = await post(body);
      expectValidation(res, { _: expect.any(String) });
      expect(await countPlaced(rejectedCustomer)).toBe(before);
    });

    it('a JSON text nested too deep to walk recursively', async () => {
      const res = await post(`{"x":${'['.repeat(30_000)}${']'.repeat(30_000)}}`);
      // Valid JSON, so it reaches the schema, which reports the missing fields rather than a 500.
      expectValidation(res, { customerId: expect.any(String) });
    });
  });

  describe('body size', () => {
    const padded = (customerId: string, bytes: number) => {
      const json = JSON.stringify(orderBody(customerId));
      return json.slice(0, -1) + ' '.repeat(bytes - json.length) + '}';
    };

    it('accepts a body of exactly 64 KB', async () => {
      const body = padded(happyCustomer, 64 * 1024);
      expect(Buffer.byteLength(body)).toBe(65_536);
      const res = await post(body);
      expect(res.status).toBe(201);
    });

    it('refuses a 65 KB body with 413 and writes nothing', async () => {
      const before = await countPlaced(rejectedCustomer);
      const key = newKey();
      const res = await post(padded(rejectedCustomer, 65 * 1024), { 'Idempotency-Key': key });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(await countPlaced(rejectedCustomer)).toBe(before);
      expect(await commandRecorded(key)).toBe(false);
    });

    it('refuses one byte over 64 KB, counting bytes rather than characters', async () => {
      // 'é' is two bytes in UTF-8: 32,768 of them are 65,536 bytes of text alone.
      const body = JSON.stringify(orderBody(rejectedCustomer, { note: 'é'.repeat(32_768) }));
      expect(body.length).toBeLessThan(65_536);
      const res = await post(body);
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a declared Content-Length over 64 KB before reading the body', async () => {
      const before = await countPlaced(rejectedCustomer);
      const res = await post(orderBody(rejectedCustomer), { 'Content-Length': '70000' });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(await countPlaced(rejectedCustomer)).toBe(before);
    });

    it('refuses an oversized body sent in chunks without a Content-Length', async () => {
      const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent++;
          controller.enqueue(chunk);
          if (sent === 100) controller.close();
        },
      });
      const req = new Request('http://test/api/orders', {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { authorization: `Bearer ${await tokenFor('clerk')}` },
      } as RequestInit);
      const res = await POST(req);
      expect(res.status).toBe(413);
      // The cap stops reading: a 1.6 MB body is not drained to the end.
      expect(sent).toBeLessThan(10);
    });
  });
});
