import { beforeAll, describe, expect, it } from 'vitest';
import { address, call, customerAt, newKey, placeOrder, POSITION, type Handler } from './helpers';
import { POST as adjust } from '../../app/api/orders/[id]/adjust/route';
import { GET as events } from '../../app/api/orders/[id]/events/route';
import { POST as ship } from '../../app/api/orders/[id]/ship/route';
import { GENESIS_HASH } from '../../lib/event-store';

const getEvents = (id: string) => call(events as Handler, `/api/orders/${id}/events`, { id });

describe('GET /api/orders/{id}/events', () => {
  let placed: { orderId: string; position: string };
  let adjusted: { body: { position: string } };
  let shipped: { body: { position: string } };
  const adjustKey = newKey();

  beforeAll(async () => {
    // Customer 231 belongs to this file.
    const customerId = await customerAt(231);
    placed = await placeOrder(customerId);
    const path = `/api/orders/${placed.orderId}`;
    adjusted = await call(adjust as Handler, `${path}/adjust`, {
      id: placed.orderId,
      body: { amountDelta: 70, reason: 'Express shipping' },
      headers: { 'Idempotency-Key': adjustKey },
    });
    shipped = await call(ship as Handler, `${path}/ship`, { id: placed.orderId, method: 'POST' });
  });

  it('lists the events in version order with exactly the public fields', async () => {
    const res = await getEvents(placed.orderId);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"3"');
    const list = res.body.events as Array<Record<string, unknown>>;
    expect(list.map((e) => [e.version, e.type, e.schemaVersion])).toEqual([
      [1, 'OrderPlaced', 1],
      [2, 'OrderPriceAdjusted', 1],
      [3, 'OrderShipped', 1],
    ]);
    for (const event of list) {
      expect(Object.keys(event).sort()).toEqual(
        [
          'data',
          'hash',
          'metadata',
          'occurredAt',
          'position',
          'prevHash',
          'schemaVersion',
          'storedSchemaVersion',
          'type',
          'version',
        ].sort(),
      );
      expect(event.position).toMatch(POSITION);
      expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(list.map((e) => e.position)).toEqual([placed.position, adjusted.body.position, shipped.body.position]);
  });

  it('carries data, metadata and an ISO occurredAt', async () => {
    const [placedEvent, adjustedEvent] = (await getEvents(placed.orderId)).body.events;
    expect(placedEvent.data).toMatchObject({
      orderId: placed.orderId,
      total: 5_230,
      currency: 'EUR',
      shippingAddress: address(),
    });
    expect(adjustedEvent.data).toMatchObject({ amountDelta: 70, previousTotal: 5_230, newTotal: 5_300 });
    expect(adjustedEvent.metadata).toMatchObject({ commandId: adjustKey, commandType: 'AdjustOrderPrice' });
    expect(placedEvent.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(new Date(placedEvent.occurredAt).toISOString()).toBe(placedEvent.occurredAt);
    expect(Math.abs(Date.now() - Date.parse(placedEvent.occurredAt))).toBeLessThan(60_000);
  });

  it('chains each event to the one before it', async () => {
    const list = (await getEvents(placed.orderId)).body.events as Array<{ hash: string; prevHash: string }>;
    expect(list[0]!.prevHash).toBe(GENESIS_HASH);
    expect(list[1]!.prevHash).toBe(list[0]!.hash);
    expect(list[2]!.prevHash).toBe(list[1]!.hash);
  });
});
