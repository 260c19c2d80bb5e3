import { beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  call,
  commandRecorded,
  countStream,
  customerAt,
  expectError,
  expectValidation,
  newKey,
  placeOrder,
  pool,
  POSITION,
  type Handler,
} from './helpers';
import { POST as adjust } from '../../app/api/orders/[id]/adjust/route';
import { POST as cancel } from '../../app/api/orders/[id]/cancel/route';
import { POST as ship } from '../../app/api/orders/[id]/ship/route';
import { POST as shippingAddress } from '../../app/api/orders/[id]/shipping-address/route';
import { comparePositions } from '../../lib/event-store';

const routes = { cancel, ship, 'shipping-address': shippingAddress, adjust } as Record<string, Handler>;
type Command = 'cancel' | 'ship' | 'shipping-address' | 'adjust';

const send = (command: Command, orderId: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(routes[command]!, `/api/orders/${orderId}/${command}`, { method: 'POST', body, headers, id: orderId });

/** A valid body for each command, so a test can vary one thing at a time. */
const valid: Record<Command, unknown> = {
  cancel: { reason: 'Customer changed their mind' },
  ship: {},
  'shipping-address': { address: address({ line1: '1 New Street' }) },
  adjust: { amountDelta: -230, reason: 'Loyalty discount' },
};
const commands = Object.keys(valid) as Command[];

// The default order: 2 × SKU-0001 (499) + 1 × SKU-0002 (4232).
const TOTAL = 5_230;

let customer: string;
const newOrder = async () => (await placeOrder(customer)).orderId;

async function lastEvent(orderId: string) {
  const { rows } = await pool().query(
    'SELECT event_type, schema_version, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1',
    [`order-${orderId}`],
  );
  return rows[0] as {
    event_type: string;
    schema_version: number;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  };
}

beforeAll(async () => {
  // Customers 210–229 belong to this file.
  customer = await customerAt(210);
});

describe('commands on an open order', () => {
  it('cancel answers 200 at version 2 and records the trimmed reason', async () => {
    const orderId = await newOrder();
    const res = await send('cancel', orderId, { reason: '  Customer changed their mind  ' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ orderId, version: 2, position: expect.stringMatching(POSITION) });
    expect(res.headers.get('etag')).toBe('"2"');
    expect(await countStream(orderId)).toBe(2);
    expect(await lastEvent(orderId)).toMatchObject({
      event_type: 'OrderCancelled',
      data: { reason: 'Customer changed their mind', amount: TOTAL, reasonCode: 'other' },
    });
    expect((await lastEvent(orderId)).schema_version).toBe(2);
  });

  it('cancel records the reason code it is given', async () => {
    const orderId = await newOrder();
    const res = await send('cancel', orderId, { reason: 'Card declined twice', reasonCode: 'payment_failed' });
    expect(res.status).toBe(200);
    expect(await lastEvent(orderId)).toMatchObject({ data: { reasonCode: 'payment_failed' } });
  });

  it('ship answers 200 for `{}` and for an empty body', async () => {
    for (const body of [{}, undefined]) {
      const orderId = await newOrder();
      const res = await send('ship', orderId, body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ orderId, version: 2, position: expect.stringMatching(POSITION) });
      expect(res.headers.get('etag')).toBe('"2"');
      expect((await lastEvent(orderId)).event_type).toBe('OrderShipped');
    }
  });

  it('shipping-address answers 200 and keeps the previous address in the event', async () => {
    const orderId = await newOrder();
    const res = await send('shipping-address', orderId, valid['shipping-address']);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ orderId, version: 2, position: expect.stringMatching(POSITION) });
    expect(res.headers.get('etag')).toBe('"2"');
    expect(await lastEvent(orderId)).toMatchObject({
      event_type: 'ShippingAddressChanged',
      data: { address: address({ line1: '1 New Street' }), previousAddress: address() },
    });
  });

  it('adjust answers 200 and records the new total', async () => {
    const orderId = await newOrder();
    const res = await send('adjust', orderId, valid.adjust);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ orderId, version: 2, position: expect.stringMatching(POSITION) });
    expect(res.headers.get('etag')).toBe('"2"');
    expect(await lastEvent(orderId)).toMatchObject({
      event_type: 'OrderPriceAdjusted',
      data: { amountDelta: -230, previousTotal: TOTAL, newTotal: 5_000, reason: 'Loyalty discount' },
    });
  });

  it('moves the position forward with each command', async () => {
    const placed = await placeOrder(customer);
    const adjusted = await send('adjust', placed.orderId, valid.adjust);
    const shipped = await send('ship', placed.orderId, {});
    expect(comparePositions(placed.position, adjusted.body.position)).toBeLessThan(0);
    expect(comparePositions(adjusted.body.position, shipped.body.position)).toBeLessThan(0);
    expect(shipped.body.version).toBe(3);
  });

  it('accepts a reason of exactly 500 characters and an adjustment down to a total of 0', async () => {
    const orderId = await newOrder();
    expect((await send('adjust', orderId, { amountDelta: -TOTAL, reason: 'r'.repeat(500) })).status).toBe(200);
    expect((await lastEvent(orderId)).data.newTotal).toBe(0);
  });

  it('answers a second ship with the current version and writes nothing', async () => {
    const orderId = await newOrder();
    const first = await send('ship', orderId, {});
    const again = await send('ship', orderId, {});
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await countStream(orderId)).toBe(2);
  });
});

describe('Idempotency-Key on commands', () => {
  // A change between the first send and the replay shows the replay is
  // answered from the key: the order's state alone would now answer differently.
  // A cancelled order takes no further change, so cancel replays right away.
  const between: Record<Command, [Command, unknown] | null> = {
    cancel: null,
    ship: ['adjust', { amountDelta: 500, reason: 'Late fee' }],
    'shipping-address': ['shipping-address', { address: address({ city: 'Leeds' }) }],
    adjust: ['adjust', { amountDelta: 1, reason: 'Rounding' }],
  };

  it.each(commands)('%s: a replay answers the first result and writes nothing', async (command) => {
    const orderId = await newOrder();
    const key = newKey();
    const first = await send(command, orderId, valid[command], { 'Idempotency-Key': key });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    expect(await commandRecorded(key)).toBe(true);
    const change = between[command];
    if (change) expect((await send(change[0], orderId, change[1])).status).toBe(200);
    const events = await countStream(orderId);

    const again = await send(command, orderId, valid[command], { 'Idempotency-Key': key });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('etag')).toBe('"2"');
    expect(await countStream(orderId)).toBe(events);
  });

  it('without a key, the same adjustment twice is two adjustments', async () => {
    // The control for the test above: the key, not the domain, is what dedupes here.
    const orderId = await newOrder();
    await send('adjust', orderId, valid.adjust);
    await send('adjust', orderId, valid.adjust);
    expect(await countStream(orderId)).toBe(3);
  });

  it('a replay still answers the first result when its If-Match is now stale', async () => {
    const orderId = await newOrder();
    const key = newKey();
    const headers = { 'Idempotency-Key': key, 'If-Match': '"1"' };
    const first = await send('adjust', orderId, valid.adjust, headers);
    expect(first.body.version).toBe(2);
    const again = await send('adjust', orderId, valid.adjust, headers);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(await countStream(orderId)).toBe(2);
  });

  it('refuses the same key with a different body (409 CONFLICT) and writes nothing', async () => {
    const orderId = await newOrder();
    const key = newKey();
    await send('adjust', orderId, { amountDelta: -100, reason: 'Discount' }, { 'Idempotency-Key': key });
    const res = await send('adjust', orderId, { amountDelta: -200, reason: 'Discount' }, { 'Idempotency-Key': key });
    expectError(res, 409, 'CONFLICT');
    expect(await countStream(orderId)).toBe(2);
  });

  it('refuses the same key for another order or another command (409 CONFLICT)', async () => {
    const [a, b] = [await newOrder(), await newOrder()];
    const key = newKey();
    expect((await send('ship', a, {}, { 'Idempotency-Key': key })).status).toBe(200);
    expectError(await send('ship', b, {}, { 'Idempotency-Key': key }), 409, 'CONFLICT');
    expectError(await send('adjust', a, valid.adjust, { 'Idempotency-Key': key }), 409, 'CONFLICT');
    expect(await countStream(a)).toBe(2);
    expect(await countStream(b)).toBe(1);
  });

  it.each(commands)('%s: rejects a malformed key (400) and writes nothing', async (command) => {
    const orderId = await newOrder();
    for (const key of ['', 'k'.repeat(201), 'clé']) {
      const res = await send(command, orderId, valid[command], { 'Idempotency-Key': key });
      expectValidation(res, { 'Idempotency-Key': expect.any(String) });
    }
    expect(await countStream(orderId)).toBe(1);
  });
});

describe('If-Match', () => {
  it('passes when it names the current version and returns the next as ETag', async () => {
    const orderId = await newOrder();
    const steps: Array<[Command, string]> = [
      ['shipping-address', '"1"'],
      ['adjust', '"2"'],
      ['ship', '"3"'],
    ];
    for (const [command, ifMatch] of steps) {
      const res = await send(command, orderId, valid[command], { 'If-Match': ifMatch });
      expect(res.status, `${command} ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.headers.get('etag')).toBe(`"${Number(ifMatch.slice(1, -1)) + 1}"`);
    }
    expect(await countStream(orderId)).toBe(4);
  });

  it.each(commands)('%s: a stale or future version is 409 CONFLICT and writes nothing', async (command) => {
    const orderId = await newOrder();
    await send('adjust', orderId, { amountDelta: 10, reason: 'Gift wrap' });
    for (const stale of ['"1"', '"9"']) {
      const res = await send(command, orderId, valid[command], { 'If-Match': stale });
      expectError(res, 409, 'CONFLICT');
      expect(res.body.error.message).toContain('version 2');
    }
    expect(await countStream(orderId)).toBe(2);
  });

  it.each(['1', 'W/"1"', '*', '"-1"', '"1.5"', '"1", "2"', '"abc"', '""', `"${'9'.repeat(16)}"`])(
    'rejects %j as 400 VALIDATION and writes nothing',
    async (ifMatch) => {
      const orderId = await newOrder();
      for (const command of commands) {
        const res = await send(command, orderId, valid[command], { 'If-Match': ifMatch });
        expectValidation(res, { 'If-Match': expect.any(String) });
      }
      expect(await countStream(orderId)).toBe(1);
    },
  );
});

describe('bad input answers 400 with fields and writes nothing', () => {
  const cases: Array<[Command, unknown, Record<string, unknown>]> = [
    ['cancel', {}, { reason: 'Reason is required.' }],
    ['cancel', { reason: '' }, { reason: 'Reason is required.' }],
    ['cancel', { reason: '    ' }, { reason: 'Reason is required.' }],
    ['cancel', { reason: 42 }, { reason: 'Reason is required.' }],
    ['cancel', { reason: 'r'.repeat(501) }, { reason: 'Reason must be at most 500 characters.' }],
    ['cancel', { reason: 'oops\u0000' }, { reason: expect.stringContaining('NUL') }],
    ['cancel', { reason: 'x', reasonCode: 'fraud' }, { reasonCode: expect.stringContaining('Choose why') }],
    ['cancel', { reason: 'x', reasonCode: 'not_recorded' }, { reasonCode: expect.stringContaining('Choose why') }],
    ['adjust', { amountDelta: 0, reason: 'x' }, { amountDelta: 'Amount must not be zero.' }],
    [
      'adjust',
      { amountDelta: 1.5, reason: 'x' },
      { amountDelta: 'Amount must be a whole number of minor units (e.g. cents).' },
    ],
    [
      'adjust',
      { amountDelta: '100', reason: 'x' },
      { amountDelta: 'Amount must be a number (minor units, e.g. cents).' },
    ],
    ['adjust', { amountDelta: 2 ** 60, reason: 'x' }, { amountDelta: expect.any(String) }],
    ['adjust', { amountDelta: 100 }, { reason: 'Reason is required.' }],
    ['adjust', { amountDelta: 100, reason: '' }, { reason: 'Reason is required.' }],
    ['adjust', { amountDelta: 100, reason: 'r'.repeat(501) }, { reason: 'Reason must be at most 500 characters.' }],
    ['adjust', {}, { amountDelta: expect.any(String), reason: 'Reason is required.' }],
    ['shipping-address', {}, { address: expect.any(String) }],
    [
      'shipping-address',
      { address: address({ postalCode: undefined }) },
      { 'address.postalCode': 'Postal code is required.' },
    ],
    [
      'shipping-address',
      { address: address({ name: 'n'.repeat(101) }) },
      { 'address.name': 'Recipient name must be at most 100 characters.' },
    ],
    ['shipping-address', { address: 'Baker Street' }, { address: expect.any(String) }],
  ];

  it.each(cases)('%s %j', async (command, body, fields) => {
    const orderId = await newOrder();
    const key = newKey();
    expectValidation(await send(command, orderId, body, { 'Idempotency-Key': key }), fields);
    expect(await countStream(orderId)).toBe(1);
    expect(await commandRecorded(key)).toBe(false);
  });

  const notObjects: Array<[string, string]> = [
    ['malformed JSON', '{"reason": '],
    ['a JSON array', '[{"reason": "x"}]'],
    ['JSON null', 'null'],
    ['a JSON string', '"ship it"'],
  ];
  it.each(commands.flatMap((command) => notObjects.map(([what, body]) => [command, what, body] as const)))(
    '%s: %s',
    async (command, _, body) => {
      const orderId = await newOrder();
      expectValidation(await send(command, orderId, body), { _: expect.any(String) });
      expect(await countStream(orderId)).toBe(1);
    },
  );

  it.each(['cancel', 'shipping-address', 'adjust'] as const)('%s: an empty body', async (command) => {
    const orderId = await newOrder();
    expectValidation(await send(command, orderId, ''), { _: 'A JSON object body is required.' });
    expect(await countStream(orderId)).toBe(1);
  });

  it.each(commands)('%s: a 65 KB body is 413 PAYLOAD_TOO_LARGE', async (command) => {
    const orderId = await newOrder();
    const body = JSON.stringify({ ...(valid[command] as object), padding: 'p'.repeat(65 * 1024) });
    expectError(await send(command, orderId, body), 413, 'PAYLOAD_TOO_LARGE');
    expect(await countStream(orderId)).toBe(1);
  });
});

describe('domain rules answer 409 RULE_VIOLATION with the rule code and write nothing', () => {
  const cases: Array<[string, Command | null, Command, unknown, string]> = [
    ['cancel after ship', 'ship', 'cancel', valid.cancel, 'ORDER_ALREADY_SHIPPED'],
    ['ship after cancel', 'cancel', 'ship', {}, 'ORDER_CANCELLED'],
    ['change the address after ship', 'ship', 'shipping-address', valid['shipping-address'], 'ORDER_ALREADY_SHIPPED'],
    ['change the address after cancel', 'cancel', 'shipping-address', valid['shipping-address'], 'ORDER_CANCELLED'],
    ['adjust after cancel', 'cancel', 'adjust', valid.adjust, 'ORDER_CANCELLED'],
    [
      'adjust the total below 0',
      null,
      'adjust',
      { amountDelta: -(TOTAL + 1), reason: 'Too generous' },
      'NEGATIVE_TOTAL',
    ],
  ];

  it.each(cases)('%s → %s', async (_, before, command, body, rule) => {
    const orderId = await newOrder();
    if (before) expect((await send(before, orderId, valid[before])).status).toBe(200);
    const events = await countStream(orderId);
    const res = await send(command, orderId, body, { 'Idempotency-Key': newKey() });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'RULE_VIOLATION', message: expect.any(String), rule } });
    expect(await countStream(orderId)).toBe(events);
  });
});
