import { describe, expect, it } from 'vitest';
import { comparePositions, formatPosition, isPosition, parsePosition } from '../../lib/event-store/position';

describe('positions', () => {
  it('round-trips through its string form, beyond 2^53', () => {
    const p = { transactionId: 18_446_744_073_709_551_000n, globalPosition: 9_007_199_254_740_993n };
    expect(parsePosition(formatPosition(p))).toEqual(p);
  });

  it('orders by transaction id first, then by global position', () => {
    // A later sequence number in an earlier transaction comes first: that is the point.
    expect(comparePositions('100:50', '101:10')).toBeLessThan(0);
    expect(comparePositions('101:10', '100:50')).toBeGreaterThan(0);
    expect(comparePositions('100:10', '100:11')).toBeLessThan(0);
    expect(comparePositions('7:7', '7:7')).toBe(0);
  });

  it('rejects anything else', () => {
    for (const bad of ['', '1', '1:', ':1', '-1:2', '1:2:3', '1.5:2', 'a:b']) {
      expect(isPosition(bad)).toBe(false);
      expect(() => parsePosition(bad)).toThrow(TypeError);
    }
  });
});
