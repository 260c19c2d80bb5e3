import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  call,
  customerAt,
  expectError,
  expectValidation,
  newKey,
  placeOrder,
  pool,
  type ApiResponse,
  type Handler,
} from './helpers';
import { GET as auditCsvRoute } from '../../app/api/orders/[id]/audit.csv/route';
import { GET as auditRoute } from '../../app/api/orders/[id]/audit/route';
import { POST as adjustRoute } from '../../app/api/orders/[id]/adjust/route';
import { POST as cancelRoute } from '../../app/api/orders/[id]/cancel/route';
import { POST as shipRoute } from '../../app/api/orders/[id]/ship/route';
import { POST as readdressRoute } from '../../app/api/orders/[id]/shipping-address/route';
import { GET as stateRoute } from '../../app/api/orders/[id]/state/route';
import { GET as verifyRoute } from '../../app/api/orders/[id]/verify/route';
import { placeOrder as placeOrderCommand } from '../../lib/commands';
import { getServices } from '../../lib/server/services';
import { csvRecords } from '../support/csv';
import { deleteEvent, tamperWithEvent } from '../support/tamper';

// Customers 240–241 belong to this file.

const HOSTILE_REASON = '=HYPERLINK("http://evil.example","Refund"), said "the customer"';
const NEW_ADDRESS = address({ line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' });

const get = (handler: Handler, orderId: string, suffix: string, options: { as?: 'viewer' | null } = {}) =>
  call(handler, `/api/orders/${orderId}/${suffix}`, { id: orderId, ...options });
const state = (orderId: string, query: string) => get(stateRoute as Handler, orderId, `state?${query}`);

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

async function recordedTimes(orderId: string) {
  const events = await getServices().store.readStream(`order-${orderId}`);
  return events.map((event) => event.recordedAt);
}

function expectOk(res: ApiResponse) {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('the audit trail of an order', () => {
  // Placed by the operator (the helpers' default), re-addressed by the clerk, corrected by the
  // operator, cancelled by the clerk.
  let orderId: string;
  let path: string;
  const keys = { readdress: newKey(), adjust: newKey() };
  let times: Date[];

  beforeAll(async () => {
    const customerId = await customerAt(240);
    ({ orderId } = await placeOrder(customerId));
    path = `/api/orders/${orderId}`;
    await pause();
    const steps: Array<[Handler, string, unknown, Record<string, string>, 'clerk' | 'operator']> = [
      [readdressRoute, 'shipping-address', { address: NEW_ADDRESS }, { 'Idempotency-Key': keys.readdress }, 'clerk'],
      [
        adjustRoute,
        'adjust',
        { amountDelta: 70, reason: 'Express shipping' },
        { 'Idempotency-Key': keys.adjust },
        'operator',
      ],
      [cancelRoute, 'cancel', { reason: HOSTILE_REASON }, {}, 'clerk'],
    ];
    for (const [handler, route, body, headers, as] of steps) {
      const res = await call(handler, `${path}/${route}`, { id: orderId, body, headers, as });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await pause();
    }
    times = await recordedTimes(orderId);
  });

  describe('GET /api/orders/{id}/state', () => {
    it.each([
      [1, 'placed', 5_230, 'London'],
      [2, 'placed', 5_230, 'Paris'],
      [3, 'placed', 5_300, 'Paris'],
      [4, 'cancelled', 5_300, 'Paris'],
    ])('?version=%i: the order exactly as it was after that event', async (version, status, total, city) => {
      const body = expectOk(await state(orderId, `version=${version}`));
      expect(body).toMatchObject({ orderId, version, currentVersion: 4, at: null });
      expect(body.order).toMatchObject({ orderId, status, total, shippingAddress: { city } });
      expect(body.recordedAt).toBe(times[version - 1]!.toISOString());
      expect(body.order.adjustments).toHaveLength(version >= 3 ? 1 : 0);
    });

    it('?at=: the order as recorded at that moment, to the millisecond', async () => {
      for (const [index, recorded] of times.entries()) {
        const exact = expectOk(await state(orderId, `at=${recorded.toISOString()}`));
        expect(exact).toMatchObject({ version: index + 1, at: recorded.toISOString() });
        if (index > 0) {
          const before = new Date(recorded.getTime() - 1).toISOString();
          expect(expectOk(await state(orderId, `at=${before}`)).version).toBe(index);
        }
      }
    });

    it('?at= with a UTC offset means the same instant, and is answered in UTC', async () => {
      const v2 = times[1]!;
      const plusTwo = new Date(v2.getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      const body = expectOk(await state(orderId, `at=${encodeURIComponent(plusTwo)}`));
      expect(body).toMatchObject({ version: 2, at: v2.toISOString() });
    });

    it('?at= in the future: the current state', async () => {
      const body = expectOk(await state(orderId, 'at=2999-01-01T00:00:00Z'));
      expect(body).toMatchObject({ version: 4, currentVersion: 4, order: { status: 'cancelled' } });
    });

    it('?at= before the order existed: 404, saying so', async () => {
      const before = new Date(times[0]!.getTime() - 1).toISOString();
      const res = await state(orderId, `at=${before}`);
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.error.message).toMatch(/did not exist yet/);
    });

    it.each([
      ['', { _: expect.stringMatching(/version.*at/) }],
      ['version=&at=', { _: expect.any(String) }],
      ['version=2&at=2026-01-01T00:00:00Z', { _: expect.stringMatching(/not both/) }],
      ['version=0', { version: expect.any(String) }],
      ['version=-1', { version: expect.any(String) }],
      ['version=1.5', { version: expect.any(String) }],
      ['version=two', { version: expect.any(String) }],
      ['version=99999999999', { version: expect.any(String) }],
      ['at=yesterday', { at: expect.any(String) }],
      ['at=2026-02-30T00:00:00Z', { at: expect.any(String) }],
      ['at=2026-01-01T00:00:00', { at: expect.stringMatching(/time zone/) }],
      ['at=2026-01-01', { at: expect.any(String) }],
    ])('?%s: 400 VALIDATION', async (query, fields) => {
      expectValidation(await state(orderId, query), fields);
    });

    it('?version= past the current version: 400 naming the range', async () => {
      const res = await state(orderId, 'version=5');
      expectValidation(res, { version: expect.stringContaining('from 1 to 4') });
    });
  });

  describe('GET /api/orders/{id}/audit (JSON export)', () => {
    it('every event with who, when, why, what it changed, corrections and the verdict', async () => {
      const res = await get(auditRoute as Handler, orderId, 'audit');
      const body = expectOk(res);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="order-${orderId}-audit.json"`);
      expect(body).toMatchObject({
        format: 'ledgerline.order-audit',
        formatVersion: 1,
        orderId,
        version: 4,
        verification: { ok: true },
      });
      const entries = body.entries as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(entries.map((e) => [e.version, e.label, e.actor?.name, e.reason])).toEqual([
        [1, 'Order placed', 'Olivia Operator', null],
        [2, 'Shipping address changed', 'Casey Clerk', null],
        [3, 'Price adjusted', 'Olivia Operator', 'Express shipping'],
        [4, 'Order cancelled', 'Casey Clerk', HOSTILE_REASON],
      ]);
      // The events carry the customer's id; the timeline adds the name from the reference data.
      const { rows } = await pool().query<{ id: string; name: string }>(
        'SELECT id, name FROM customers WHERE id = $1',
        [await customerAt(240)],
      );
      expect(entries[0]!.details).toContain(`Customer: ${rows[0]!.name} (${rows[0]!.id})`);
      expect(body.customerName).toBe(rows[0]!.name);
      expect(entries[1]).toMatchObject({
        commandId: keys.readdress,
        commandType: 'ChangeShippingAddress',
        correlationId: expect.any(String),
        causationId: expect.any(String),
        recordedAt: times[1]!.toISOString(),
        details: [
          'From: Ada Lovelace, 12 Analytical Way, N1 9GU London, GB',
          'To: Ada Lovelace, 1 Rue de Rivoli, 75001 Paris, FR',
        ],
        stateAfter: { status: 'placed', shippingAddress: NEW_ADDRESS },
        corrects: null,
        integrity: 'intact',
      });
      expect(entries[1]!.diff.map((c: { path: string }) => c.path)).toEqual([
        'shippingAddress.line1',
        'shippingAddress.city',
        'shippingAddress.postalCode',
        'shippingAddress.country',
      ]);
      expect(entries[2]!.corrects).toEqual({
        kind: 'adjustment',
        correctsVersion: 1,
        summary: 'Corrects the total agreed in v1 by +€0.70 (€52.30 → €53.00)',
      });
      expect(entries[3]!.corrects).toMatchObject({ kind: 'reversal', correctsVersion: 1 });
      expect(entries.map((e) => e.position)).toEqual(entries.map(() => expect.stringMatching(/^\d+:\d+$/)));
    });
  });

  describe('GET /api/orders/{id}/audit.csv', () => {
    it('a CSV download, one record per event, with formula cells neutralised', async () => {
      const res = await get(auditCsvRoute as Handler, orderId, 'audit.csv');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="order-${orderId}-audit.csv"`);
      const text = res.body as string;
      expect(text.startsWith('order_id,version,event_type,event,')).toBe(true);
      const records = csvRecords(text);
      expect(records.map((r) => [r.version, r.event, r.actor_name, r.corrects_version])).toEqual([
        ['1', 'Order placed', 'Olivia Operator', ''],
        ['2', 'Shipping address changed', 'Casey Clerk', ''],
        ['3', 'Price adjusted', 'Olivia Operator', '1'],
        ['4', 'Order cancelled', 'Casey Clerk', '1'],
      ]);
      expect(records[3]!.reason).toBe(`'${HOSTILE_REASON}`);
      expect(records[2]!.changes).toBe('Total: €52.30 → €53.00; Adjustment 1 added: +€0.70 (Express shipping)');
      expect(records.every((r) => r.integrity === 'intact')).toBe(true);
    });
  });

  describe('GET /api/orders/{id}/verify', () => {
    it('an untouched history is intact', async () => {
      const res = await get(verifyRoute as Handler, orderId, 'verify');
      expect(expectOk(res)).toEqual({ ok: true, version: 4 });
      expect(res.headers.get('cache-control')).toBe('no-store');
    });
  });

  it('every audit route is readable by a viewer and refused without credentials', async () => {
    const routes: Array<[Handler, string]> = [
      [stateRoute as Handler, 'state?version=1'],
      [verifyRoute as Handler, 'verify'],
      [auditRoute as Handler, 'audit'],
      [auditCsvRoute as Handler, 'audit.csv'],
    ];
    for (const [handler, suffix] of routes) {
      expect((await get(handler, orderId, suffix, { as: 'viewer' })).status).toBe(200);
      expect((await get(handler, orderId, suffix, { as: null })).status).toBe(401);
    }
  });
});

describe('events without an actor (written before sign-in existed)', () => {
  it('export with a null actor, shown as "unknown actor" in the CSV', async () => {
    const customerId = await customerAt(241);
    const { orderId } = await placeOrderCommand(getServices(), {
      customerId,
      items: [{ sku: 'SKU-0003', quantity: 1 }],
      shippingAddress: address(),
    });
    const json = expectOk(await get(auditRoute as Handler, orderId, 'audit'));
    expect(json.entries[0]).toMatchObject({ version: 1, label: 'Order placed', actor: null });
    const [record] = csvRecords((await get(auditCsvRoute as Handler, orderId, 'audit.csv')).body);
    expect(record).toMatchObject({ actor_id: '', actor_name: 'unknown actor' });
  });
});

describe('a history altered behind the app’s back', () => {
  let orderId: string;

  beforeAll(async () => {
    ({ orderId } = await placeOrder(await customerAt(241)));
    const path = `/api/orders/${orderId}`;
    for (const [handler, route, body] of [
      [readdressRoute, 'shipping-address', { address: NEW_ADDRESS }],
      [shipRoute, 'ship', {}],
    ] as const) {
      expect((await call(handler, `${path}/${route}`, { id: orderId, body })).status).toBe(200);
    }
    // Someone with table rights moves the parcel to another city, after the fact.
    await tamperWithEvent(
      pool(),
      { streamId: `order-${orderId}`, version: 2 },
      {
        address: { ...NEW_ADDRESS, city: 'Elsewhere' },
      },
    );
  });

  it('verify names the altered version', async () => {
    expect(expectOk(await get(verifyRoute as Handler, orderId, 'verify'))).toEqual({
      ok: false,
      version: 3,
      brokenAtVersion: 2,
      reason: 'its content does not match its hash',
    });
  });

  it('the exports still show every event, marking the altered one and those after it', async () => {
    const json = expectOk(await get(auditRoute as Handler, orderId, 'audit'));
    expect(json.verification).toEqual({ ok: false, brokenAtVersion: 2, reason: 'its content does not match its hash' });
    expect(json.entries.map((e: { integrity: string }) => e.integrity)).toEqual(['intact', 'tampered', 'unverified']);
    // The replay shows what the rows say now: that is what the badge warns about.
    expect(json.entries[1].stateAfter.shippingAddress.city).toBe('Elsewhere');
    const records = csvRecords((await get(auditCsvRoute as Handler, orderId, 'audit.csv')).body);
    expect(records.map((r) => r.integrity)).toEqual(['intact', 'tampered', 'unverified']);
  });

  it('a version deleted from the middle: verify names it, and no state is made up around the gap', async () => {
    const other = (await placeOrder(await customerAt(241))).orderId;
    expect((await call(shipRoute, `/api/orders/${other}/ship`, { id: other, body: {} })).status).toBe(200);
    const adjusted = await call(adjustRoute, `/api/orders/${other}/adjust`, {
      id: other,
      body: { amountDelta: 10, reason: 'Late fee' },
    });
    expect(adjusted.status).toBe(200);
    await deleteEvent(pool(), { streamId: `order-${other}`, version: 2 });
    expect(expectOk(await get(verifyRoute as Handler, other, 'verify'))).toEqual({
      ok: false,
      version: 3,
      brokenAtVersion: 2,
      reason: 'version 2 is missing',
    });
    expect(expectOk(await state(other, 'version=1')).version).toBe(1);
    for (const version of [2, 3]) {
      const res = await state(other, `version=${version}`);
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.error.message).toContain('Version 2 of order');
    }
  });

  it('a deleted last event is caught too, by the count the stream row still keeps', async () => {
    const other = (await placeOrder(await customerAt(241))).orderId;
    expect((await call(shipRoute, `/api/orders/${other}/ship`, { id: other, body: {} })).status).toBe(200);
    expect(expectOk(await get(verifyRoute as Handler, other, 'verify'))).toEqual({ ok: true, version: 2 });
    await deleteEvent(pool(), { streamId: `order-${other}`, version: 2 });
    expect(expectOk(await get(verifyRoute as Handler, other, 'verify'))).toEqual({
      ok: false,
      version: 2,
      brokenAtVersion: 2,
      reason: 'version 2 is missing',
    });
  });
});

describe('unknown orders', () => {
  const routes: Array<[string, Handler, string]> = [
    ['state', stateRoute as Handler, 'state?version=1'],
    ['verify', verifyRoute as Handler, 'verify'],
    ['audit', auditRoute as Handler, 'audit'],
    ['audit.csv', auditCsvRoute as Handler, 'audit.csv'],
  ];

  it.each(routes)('%s: 404 NOT_FOUND for an unknown or malformed id', async (_name, handler, suffix) => {
    expectError(await get(handler, randomUUID(), suffix), 404, 'NOT_FOUND');
    expectError(await get(handler, 'not-an-order', suffix), 404, 'NOT_FOUND');
  });
});
