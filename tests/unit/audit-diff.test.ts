import { describe, expect, it } from 'vitest';
import {
  changeAt,
  changeSentence,
  describeChange,
  diffStates,
  stateAtVersion,
  type FieldChange,
} from '../../lib/audit';
import { ADJUSTMENT, history, recorded } from './audit-fixtures';
import { LATER, PLACED_TOTAL, address, orderPlaced, otherAddress } from './order-fixtures';

const stream = recorded(history);
const state = (version: number) => stateAtVersion(stream, version);
const paths = (changes: FieldChange[]) => changes.map((c) => `${c.kind} ${c.path}`);

describe('diffStates', () => {
  describe('given two states of the same order', () => {
    it('when nothing changed, then there is no change', () => {
      expect(diffStates(state(2), structuredClone(state(2)))).toEqual([]);
    });

    it('when the order is placed, then the status changes and each new field is added as a whole', () => {
      expect(paths(diffStates(state(0), state(1)))).toEqual([
        'changed status',
        'added orderId',
        'added customerId',
        'added lines',
        'added currency',
        'added total',
        'added shippingAddress',
        'added placedAt',
        'added adjustments',
      ]);
      expect(diffStates(state(0), state(1))).toContainEqual({
        path: 'shippingAddress',
        segments: ['shippingAddress'],
        kind: 'added',
        after: address,
      });
    });

    it('when the address changes, then only the nested fields that differ are named, with both values', () => {
      const changes = diffStates(state(1), state(2));
      expect(changes).toEqual(
        (['line1', 'city', 'postalCode', 'country'] as const).map((field) => ({
          path: `shippingAddress.${field}`,
          segments: ['shippingAddress', field],
          kind: 'changed',
          before: address[field],
          after: otherAddress[field],
        })),
      );
      // The name is the same in both addresses, so it is not a change.
      expect(changes.map((c) => c.path)).not.toContain('shippingAddress.name');
    });

    it('when the price is adjusted, then the total changes and the adjustment is added', () => {
      expect(diffStates(state(2), state(3))).toEqual([
        { path: 'total', segments: ['total'], kind: 'changed', before: PLACED_TOTAL, after: PLACED_TOTAL + ADJUSTMENT },
        {
          path: 'adjustments.0',
          segments: ['adjustments', 0],
          kind: 'added',
          after: { amountDelta: ADJUSTMENT, reason: 'Express shipping', adjustedAt: LATER },
        },
      ]);
    });

    it('when the order is cancelled, then the status changes and the cancellation fields are added', () => {
      expect(paths(diffStates(state(3), state(4)))).toEqual([
        'changed status',
        'added cancelledAt',
        'added cancelReason',
        'added cancelReasonCode',
      ]);
    });

    it('when a field disappears, then it is removed with its old value', () => {
      expect(diffStates(state(4), state(3))).toContainEqual({
        path: 'cancelReason',
        segments: ['cancelReason'],
        kind: 'removed',
        before: 'Customer changed their mind',
      });
    });
  });

  describe('given order lines (identified by SKU)', () => {
    const [mug, tee] = orderPlaced.data.lines;
    const cap = { sku: 'SKU-CAP', name: 'Cap', quantity: 1, unitPrice: 899, lineTotal: 899 };

    it("when one line's quantity changes, then the change names the line by its SKU", () => {
      const changes = diffStates({ lines: [mug, tee] }, { lines: [mug, { ...tee!, quantity: 2, lineTotal: 3998 }] });
      expect(changes).toEqual([
        {
          path: 'lines.SKU-TEE.quantity',
          segments: ['lines', 'SKU-TEE', 'quantity'],
          kind: 'changed',
          before: 1,
          after: 2,
        },
        {
          path: 'lines.SKU-TEE.lineTotal',
          segments: ['lines', 'SKU-TEE', 'lineTotal'],
          kind: 'changed',
          before: 1999,
          after: 3998,
        },
      ]);
    });

    it('when a line is inserted in front, then only that line is added (the others do not shift)', () => {
      expect(diffStates({ lines: [mug, tee] }, { lines: [cap, mug, tee] })).toEqual([
        { path: 'lines.SKU-CAP', segments: ['lines', 'SKU-CAP'], kind: 'added', after: cap },
      ]);
    });

    it('when a line goes, then it is removed as a whole', () => {
      expect(diffStates({ lines: [mug, tee] }, { lines: [tee] })).toEqual([
        { path: 'lines.SKU-MUG', segments: ['lines', 'SKU-MUG'], kind: 'removed', before: mug },
      ]);
    });

    it('when lines only change order, then nothing changed', () => {
      expect(diffStates({ lines: [mug, tee] }, { lines: [tee, mug] })).toEqual([]);
    });
  });

  describe('given lists without an identity', () => {
    it('when an item changes or is appended, then items are compared by position', () => {
      expect(diffStates({ tags: ['a', 'b'] }, { tags: ['a', 'c', 'd'] })).toEqual([
        { path: 'tags.1', segments: ['tags', 1], kind: 'changed', before: 'b', after: 'c' },
        { path: 'tags.2', segments: ['tags', 2], kind: 'added', after: 'd' },
      ]);
    });

    it('when SKUs repeat, then they cannot identify items and positions are used', () => {
      const line = orderPlaced.data.lines[0]!;
      expect(paths(diffStates({ lines: [line, line] }, { lines: [line, { ...line, quantity: 9 }] }))).toEqual([
        'changed lines.1.quantity',
      ]);
    });
  });

  it('given a value that changes kind (object → text, list → null), then it is one change with both values', () => {
    expect(diffStates({ a: { b: 1 }, c: [1] }, { a: 'x', c: null })).toEqual([
      { path: 'a', segments: ['a'], kind: 'changed', before: { b: 1 }, after: 'x' },
      { path: 'c', segments: ['c'], kind: 'changed', before: [1], after: null },
    ]);
  });

  it('given keys in storage order (jsonb sorts them by length), then changes still come in reading order', () => {
    const stored = { country: 'FR', city: 'Paris', name: 'Ada', line1: '1 Rue de Rivoli', postalCode: '75001' };
    expect(paths(diffStates({ shippingAddress: { ...address } }, { shippingAddress: stored }))).toEqual([
      'changed shippingAddress.name',
      'changed shippingAddress.line1',
      'changed shippingAddress.city',
      'changed shippingAddress.postalCode',
      'changed shippingAddress.country',
    ]);
  });

  it('does not change the states it compares', () => {
    const [before, after] = [state(2), state(3)];
    const copies = structuredClone([before, after]);
    diffStates(before, after);
    expect([before, after]).toEqual(copies);
  });
});

describe('changeAt (what to highlight)', () => {
  const readdress = diffStates(state(1), state(2));
  const place = diffStates(state(0), state(1));

  it('names a field changed itself, or containing a change, or inside a value added whole', () => {
    expect(changeAt(readdress, 'shippingAddress.city')).toBe('changed');
    expect(changeAt(readdress, 'shippingAddress')).toBe('changed');
    expect(changeAt(place, 'shippingAddress.city')).toBe('added');
    expect(changeAt(place, 'lines.SKU-MUG.quantity')).toBe('added');
  });

  it('leaves untouched fields alone, and does not confuse a path with one that merely starts the same', () => {
    expect(changeAt(readdress, 'shippingAddress.name')).toBeNull();
    expect(changeAt(readdress, 'total')).toBeNull();
    const line = [{ path: 'lines.SKU-10', segments: ['lines', 'SKU-10'], kind: 'added' } satisfies FieldChange];
    expect(changeAt(line, 'lines.SKU-1')).toBeNull();
    // A SKU may hold a dot: a change to line "A.B" is not a change inside line "A".
    const dotted = diffStates(
      {
        lines: [
          { sku: 'A', quantity: 1 },
          { sku: 'A.B', quantity: 1 },
        ],
      },
      {
        lines: [
          { sku: 'A', quantity: 1 },
          { sku: 'A.B', quantity: 2 },
        ],
      },
    );
    expect(changeAt(dotted, ['lines', 'A'])).toBeNull();
    expect(changeAt(dotted, ['lines', 'A.B'])).toBe('changed');
  });
});

describe('changes in words', () => {
  it('names nested fields and formats money and addresses', () => {
    const [total, adjustment] = diffStates(state(2), state(3)).map((change) => changeSentence(change, 'EUR'));
    expect(total).toBe('Total: €44.99 → €45.69');
    expect(adjustment).toBe('Adjustment 1 added: +€0.70 (Express shipping)');
    expect(changeSentence(diffStates(state(1), state(2))[1]!, 'EUR')).toBe('Shipping address › City: London → Paris');
    expect(describeChange(diffStates(state(0), state(1)).find((c) => c.path === 'shippingAddress')!)).toEqual({
      field: 'Shipping address',
      kind: 'added',
      before: null,
      after: 'Ada Lovelace, 12 St James Square, SW1Y 4JH London, United Kingdom',
    });
  });

  it('names a line by its SKU and a removed value by what it was', () => {
    const removed: FieldChange = { path: 'cancelReason', segments: ['cancelReason'], kind: 'removed', before: 'Oops' };
    expect(changeSentence(removed)).toBe('Cancellation reason removed (was Oops)');
    const quantity: FieldChange = {
      path: 'lines.SKU-TEE.unitPrice',
      segments: ['lines', 'SKU-TEE', 'unitPrice'],
      kind: 'changed',
      before: 1999,
      after: 1899,
    };
    expect(changeSentence(quantity, 'EUR')).toBe('Line SKU-TEE › Unit price: €19.99 → €18.99');
    expect(changeSentence(diffStates(state(0), state(1))[0]!)).toBe('Status: not placed → placed');
  });
});
