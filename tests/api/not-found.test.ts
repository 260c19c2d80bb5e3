import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { address, call, countStream, customerAt, expectError, pool, placeOrder, type Handler } from './helpers';
import { POST as adjust } from '../../app/api/orders/[id]/adjust/route';
import { POST as cancel } from '../../app/api/orders/[id]/cancel/route';
import { GET as events } from '../../app/api/orders/[id]/events/route';
import { POST as ship } from '../../app/api/orders/[id]/ship/route';
import { POST as shippingAddress } from '../../app/api/orders/[id]/shipping-address/route';
import { getServices } from '../../lib/server/services';

// Valid bodies, so that only the id can be what is wrong.
const routes: Array<[string, Handler, unknown]> = [
  ['cancel', cancel, { reason: 'No longer needed' }],
  ['ship', ship, {}],
  ['shipping-address', shippingAddress, { address: address() }],
  ['adjust', adjust, { amountDelta: -1, reason: 'Discount' }],
  ['events', events as Handler, undefined],
];

const request = (handler: Handler, route: string, id: string, body: unknown, headers: Record<string, string> = {}) =>
  call(handler, `/api/orders/${encodeURIComponent(id)}/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    body,
    headers,
    id,
  });

async function streamExists(orderId: string) {
  const { rows } = await pool().query('SELECT 1 FROM streams WHERE stream_id = $1', [`order-${orderId}`]);
  return rows.length > 0;
}

describe('every /api/orders/{id} route answers 404 NOT_FOUND', () => {
  it.each(routes)('%s: for an unknown order id, and creates nothing', async (route, handler, body) => {
    const id = randomUUID();
    expectError(await request(handler, route, id, body), 404, 'NOT_FOUND');
    // A version in If-Match does not make a missing order a conflict.
    expectError(await request(handler, route, id, body, { 'If-Match': '"0"' }), 404, 'NOT_FOUND');
    expectError(await request(handler, route, id, body, { 'If-Match': '"3"' }), 404, 'NOT_FOUND');
    expect(await countStream(id)).toBe(0);
    expect(await streamExists(id)).toBe(false);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(routes)('%s: for ids that are not UUIDs, without asking the database', async (route, handler, body) => {
    const reads = vi.spyOn(getServices().store, 'readStream');
    const uuid = randomUUID();
    for (const id of ['not-a-uuid', '42', `${uuid}0`, uuid.replaceAll('-', ''), '', "' OR 1=1 --", '../customers']) {
      const res = await request(handler, route, id, body);
      expectError(res, 404, 'NOT_FOUND');
    }
    expect(reads).not.toHaveBeenCalled();
  });
});

describe('order ids', () => {
  let orderId: string;
  beforeAll(async () => {
    // Customer 230 belongs to this file.
    orderId = (await placeOrder(await customerAt(230))).orderId;
  });

  it('are matched without regard to case', async () => {
    const res = await request(events as Handler, 'events', orderId.toUpperCase(), undefined);
    expect(res.status).toBe(200);
    expect(res.body.events).toHaveLength(1);
    const shipped = await request(ship, 'ship', orderId.toUpperCase(), {});
    expect(shipped.body).toMatchObject({ orderId, version: 2 });
  });
});
