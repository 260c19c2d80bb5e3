import { describe, expect, it } from 'vitest';
import { createUpcasting, type EventSchema, type RecordedEvent } from '../../lib/event-store';
import { ORDER_EVENT_SCHEMA, OrderEventShapeError, toOrderEvent } from '../../lib/order-stream';

const schema: EventSchema = {
  streamType: 'thing',
  current: { Made: 3, Kept: 1 },
  upcasters: [
    { eventType: 'Made', from: 1, up: (data) => ({ ...data, colour: 'unknown' }) },
    { eventType: 'Made', from: 2, up: ({ size, ...rest }) => ({ ...rest, dimensions: { size: size ?? null } }) },
  ],
};
const upcasting = createUpcasting([schema]);

const stored = (type: string, schemaVersion: number, data: RecordedEvent['data']): RecordedEvent => ({
  position: '1:1',
  globalPosition: 1,
  transactionId: '1',
  streamId: 'thing-1',
  streamType: 'thing',
  version: 1,
  type,
  schemaVersion,
  storedSchemaVersion: schemaVersion,
  data,
  metadata: {},
  occurredAt: new Date(0),
  recordedAt: new Date(0),
  hash: 'h',
  prevHash: 'p',
});

describe('upcasting', () => {
  it('brings a stored shape to the current one, one version at a time, and leaves the stored version on record', () => {
    const original = stored('Made', 1, { size: 3 });
    const event = upcasting.upcast(original);
    expect(event).toMatchObject({
      schemaVersion: 3,
      storedSchemaVersion: 1,
      data: { colour: 'unknown', dimensions: { size: 3 } },
    });
    expect(original.data).toEqual({ size: 3 }); // the row as read is not touched
    expect(upcasting.upcast(stored('Made', 2, { size: 1, colour: 'red' })).data).toEqual({
      colour: 'red',
      dimensions: { size: 1 },
    });
  });

  it('returns a current event as it is', () => {
    const event = stored('Kept', 1, { a: 1 });
    expect(upcasting.upcast(event)).toBe(event);
  });

  it.each([
    ['a version newer than the code', 'thing', 'Made', 4, 'newer than'],
    ['an unknown event type', 'thing', 'Lost', 1, 'not an event type'],
    ['an unknown stream type', 'other', 'Made', 1, 'no schema'],
    ['version 0', 'thing', 'Made', 0, 'not a version'],
  ])(
    'names %s as having no path, and leaves such an event in its stored shape',
    (_, streamType, type, version, words) => {
      expect(upcasting.pathProblem(streamType, type, version)).toContain(words);
      const event = { ...stored(type, version, { x: 1 }), streamType };
      expect(upcasting.upcast(event)).toBe(event);
    },
  );

  it('names a missing step in a chain', () => {
    const gappy = createUpcasting([{ ...schema, upcasters: schema.upcasters.slice(1) }]);
    expect(gappy.pathProblem('thing', 'Made', 1)).toBe('no upcaster from Made v1 to v2');
    expect(gappy.pathProblem('thing', 'Made', 2)).toBeNull();
  });

  it('refuses two upcasters for one step', () => {
    expect(() => createUpcasting([{ ...schema, upcasters: [...schema.upcasters, schema.upcasters[0]!] }])).toThrow(
      'Two upcasters',
    );
  });
});

describe('the order stream', () => {
  it('reads a cancellation stored before reason codes as "not recorded"', () => {
    const order = createUpcasting([ORDER_EVENT_SCHEMA]);
    const v1 = {
      ...stored('OrderCancelled', 1, { orderId: 'o', reason: 'r', amount: 5, cancelledAt: 'now' }),
      streamType: 'order',
    };
    const event = toOrderEvent(order.upcast(v1));
    expect(event).toEqual({
      type: 'OrderCancelled',
      data: { orderId: 'o', reason: 'r', reasonCode: 'not_recorded', amount: 5, cancelledAt: 'now' },
    });
  });

  it('has a path to the current shape from every version of every event type', () => {
    const order = createUpcasting([ORDER_EVENT_SCHEMA]);
    for (const [type, current] of Object.entries(ORDER_EVENT_SCHEMA.current)) {
      for (let version = 1; version <= current; version++) expect(order.pathProblem('order', type, version)).toBeNull();
    }
  });

  it('will not read an event in a shape no upcaster reached', () => {
    expect(() => toOrderEvent({ type: 'OrderCancelled', schemaVersion: 1, data: {} })).toThrow(OrderEventShapeError);
    expect(() => toOrderEvent({ type: 'OrderLost', schemaVersion: 1, data: {} })).toThrow(OrderEventShapeError);
  });
});
