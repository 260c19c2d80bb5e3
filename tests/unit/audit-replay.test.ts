import { describe, expect, it } from 'vitest';
import { stateAtVersion, versionAt } from '../../lib/audit';
import { OrderHistoryError, type OrderEvent, type OrderState } from '../../lib/domain/order';
import { ADJUSTMENT, history, recorded, recordedAt } from './audit-fixtures';
import {
  CUSTOMER_ID,
  LATER,
  ORDER_ID,
  PLACED_AT,
  PLACED_TOTAL,
  address,
  orderPlaced,
  orderShipped,
  otherAddress,
  priceAdjusted,
} from './order-fixtures';

// Given a stream, when it is replayed to a version (or a moment), then the
// order is exactly as it was after that event.

const given = (events: OrderEvent[]) => {
  const stream = recorded(events);
  return {
    whenReplayedTo: (version: number) => ({
      then: (expected: OrderState) => expect(stateAtVersion(stream, version)).toEqual(expected),
      thenThrows: (error: new (...args: never[]) => Error) =>
        expect(() => stateAtVersion(stream, version)).toThrow(error),
    }),
    // As the state route does: the version recorded by then, replayed.
    whenAsOf: (at: Date) => {
      const version = versionAt(stream, at);
      return { version, state: stateAtVersion(stream, version) };
    },
  };
};

const placed: OrderState = {
  status: 'placed',
  orderId: ORDER_ID,
  customerId: CUSTOMER_ID,
  lines: orderPlaced.data.lines,
  currency: 'EUR',
  total: PLACED_TOTAL,
  shippingAddress: address,
  placedAt: PLACED_AT,
  adjustments: [],
};
const readdressed: OrderState = { ...placed, shippingAddress: otherAddress };
const adjusted: OrderState = {
  ...readdressed,
  total: PLACED_TOTAL + ADJUSTMENT,
  adjustments: [{ amountDelta: ADJUSTMENT, reason: 'Express shipping', adjustedAt: LATER }],
};
const cancelled: OrderState = {
  ...(adjusted as Extract<OrderState, { status: 'placed' }>),
  status: 'cancelled',
  cancelledAt: LATER,
  cancelReason: 'Customer changed their mind',
  cancelReasonCode: 'customer_request',
};

describe('stateAtVersion', () => {
  describe('given placed → re-addressed → price adjusted → cancelled', () => {
    it.each<[number, string, OrderState]>([
      [0, 'nothing yet', { status: 'empty' }],
      [1, 'the order as placed', placed],
      [2, 'the new address, everything else as placed', readdressed],
      [3, 'the corrected total with its adjustment', adjusted],
      [4, 'cancelled, keeping what it was', cancelled],
    ])('when replayed to v%i, then it shows %s', (version, _what, expected) => {
      given(history).whenReplayedTo(version).then(expected);
    });

    it('when replayed to a version it does not have, then it refuses', () => {
      for (const version of [-1, 5, 1.5, Number.NaN]) given(history).whenReplayedTo(version).thenThrows(RangeError);
    });

    it('with a version missing (deleted behind the store), then it refuses to replay past the gap', () => {
      const withoutV2 = recorded(history).filter((event) => event.version !== 2);
      expect(() => stateAtVersion(withoutV2, 3)).toThrow(RangeError);
      expect(() => stateAtVersion(withoutV2, 2)).toThrow(RangeError);
      expect(stateAtVersion(withoutV2, 1)).toEqual(stateAtVersion(recorded(history), 1));
    });
  });

  describe('given placed → shipped → price adjusted (a shipped order may still be corrected)', () => {
    it('when replayed to each version, then the status and total follow', () => {
      const stream = recorded([orderPlaced, orderShipped(), priceAdjusted(-500, 'Damaged box', PLACED_TOTAL)]);
      const states = [1, 2, 3].map((version) => stateAtVersion(stream, version));
      expect(states.map((s) => s.status)).toEqual(['placed', 'shipped', 'shipped']);
      expect(states.map((s) => (s.status === 'empty' ? null : s.total))).toEqual([
        PLACED_TOTAL,
        PLACED_TOTAL,
        PLACED_TOTAL - 500,
      ]);
    });
  });

  it('given a stream with a gap, when replayed past it, then it refuses', () => {
    const [first, , third] = recorded(history);
    expect(() => stateAtVersion([first!, third!], 3)).toThrow(/without gaps/);
  });

  it('given history the domain cannot apply (shipped after cancelled), when replayed, then it says so', () => {
    given([...history, orderShipped()])
      .whenReplayedTo(5)
      .thenThrows(OrderHistoryError);
  });

  it('does not change the events it replays', () => {
    const stream = recorded(history);
    const copy = structuredClone(stream);
    stateAtVersion(stream, 4);
    expect(stream).toEqual(copy);
  });
});

describe('versionAt, then stateAtVersion (as recorded at a moment)', () => {
  const at = (version: number, deltaMs = 0) => new Date(recordedAt(version).getTime() + deltaMs);

  it('given a moment before the first event was recorded, then there is no order yet (version 0)', () => {
    expect(given(history).whenAsOf(at(1, -1))).toEqual({ version: 0, state: { status: 'empty' } });
  });

  it.each([1, 2, 3, 4])('given the very millisecond v%i was recorded, then the state includes it', (version) => {
    expect(given(history).whenAsOf(at(version))).toEqual({
      version,
      state: stateAtVersion(recorded(history), version),
    });
  });

  it.each([2, 3, 4])(
    'given one millisecond before v%i was recorded, then the state is the one before it',
    (version) => {
      expect(given(history).whenAsOf(at(version, -1)).version).toBe(version - 1);
    },
  );

  it('given a moment after the last event (even in the future), then it is the current state', () => {
    expect(given(history).whenAsOf(at(4, 86_400_000))).toEqual({ version: 4, state: cancelled });
  });

  it('goes by recordedAt, not by occurredAt', () => {
    // v2 says it happened long before v1 (a skewed clock), but was recorded after it.
    const stream = recorded(history).map((event) =>
      event.version === 2 ? { ...event, occurredAt: new Date('2000-01-01T00:00:00Z') } : event,
    );
    expect(versionAt(stream, new Date('2000-06-01T00:00:00Z'))).toBe(0);
    expect(versionAt(stream, at(1))).toBe(1);
  });

  it('stops at the first event recorded after the moment, so the answer is always a replayable prefix', () => {
    const stream = recorded(history).map((event) => (event.version === 3 ? { ...event, recordedAt: at(4, 1) } : event));
    expect(versionAt(stream, at(4))).toBe(2);
  });

  it('accepts ISO strings as recorded times (as they arrive in JSON)', () => {
    const stream = recorded(history).map((event) => ({
      ...event,
      recordedAt: new Date(event.recordedAt).toISOString(),
    }));
    expect(versionAt(stream, at(2))).toBe(2);
  });

  it('refuses an invalid moment', () => {
    expect(() => given(history).whenAsOf(new Date('not a date'))).toThrow(RangeError);
  });
});
