import { describe, expect, it } from 'vitest';
import { advance, hasCaughtUp, replace } from '../../lib/live/checkpoints';
import { normalizeRoom, targetsOf, toProjectionMessage } from '../../lib/live/rooms';

const id = '0b9c2a52-3f1e-4d7a-9c55-1e2f3a4b5c6d';

describe('normalizeRoom', () => {
  it.each([
    ['orders', 'orders'],
    [`order:${id}`, `order:${id}`],
    [`order:${id.toUpperCase()}`, `order:${id}`],
    // An upper-case prefix used to be accepted as its own room, which no push ever reaches.
    [`ORDER:${id}`, `order:${id}`],
    [`Customer:${id.toUpperCase()}`, `customer:${id}`],
  ])('spells %s as %s', (given, expected) => {
    expect(normalizeRoom(given)).toBe(expected);
  });

  it.each([['ORDERS'], ['order:'], [`order:${id}x`], [`shipment:${id}`], [42], [null], ['x'.repeat(51)]])(
    'refuses %s',
    (given) => {
      expect(normalizeRoom(given)).toBeNull();
    },
  );

  it('names the rooms that pushes for the row go to', () => {
    const room = normalizeRoom(`ORDER:${id.toUpperCase()}`);
    const targets = targetsOf({ projection: 'order_summaries', version: 1, checkpoint: '1:1', keys: { orders: [id] } });
    expect(targets.rooms).toContain(room);
  });
});

describe('targetsOf and the serving version', () => {
  const batch = { projection: 'order_summaries', version: 2, checkpoint: '1:1', keys: { orders: [id] } };

  it("sends a version that does not serve to 'projections' alone", () => {
    expect(targetsOf({ ...batch, serving: false })).toEqual({ rooms: ['projections'], everyRoomStartingWith: null });
  });

  it('sends a serving batch to its view and rows', () => {
    expect(targetsOf({ ...batch, serving: true }).rooms).toEqual(['projections', 'orders', `order:${id}`]);
  });

  it('sends a keyless serving message (a switch) to the view and every row room of it', () => {
    expect(targetsOf({ ...batch, keys: null, serving: true })).toEqual({
      rooms: ['projections', 'orders'],
      everyRoomStartingWith: 'order:',
    });
  });
});

describe('checkpoints across a switch', () => {
  it('advance keeps the furthest; replace takes the new version’s even when behind', () => {
    const start = advance({}, 'order_metrics', '5:10');
    expect(advance(start, 'order_metrics', '5:9')).toBe(start);
    const switched = replace(start, 'order_metrics', '5:2');
    expect(switched).toEqual({ order_metrics: '5:2' });
    expect(hasCaughtUp(switched, 'order_metrics', '5:10')).toBe(false);
    expect(replace(switched, 'order_metrics', '5:2')).toBe(switched);
  });
});

describe('toProjectionMessage', () => {
  const batch = { projection: 'order_summaries', version: 1, checkpoint: '1:1', keys: {} };

  it("keeps a rebuild batch's slot, so that the live server never counts it as serving", () => {
    expect(toProjectionMessage({ ...batch, slot: 'rebuild' })).toEqual({ ...batch, slot: 'rebuild' });
    expect(toProjectionMessage(batch)).toEqual(batch);
  });

  it.each([{ slot: 'other' }, { slot: 1 }, { serving: 'yes' }, { version: '1' }, { checkpoint: 'x' }])(
    'refuses %o',
    (change) => {
      expect(toProjectionMessage({ ...batch, ...change })).toBeNull();
    },
  );
});
