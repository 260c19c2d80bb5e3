import { describe, expect, it } from 'vitest';
import { normalizeRoom, targetsOf } from '../../lib/live/rooms';

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
