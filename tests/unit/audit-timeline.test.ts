import { describe, expect, it } from 'vitest';
import { buildTimeline, integrityOf, stateAtVersion } from '../../lib/audit';
import { ACTOR, history, recorded } from './audit-fixtures';
import { orderPlaced, orderShipped } from './order-fixtures';

describe('buildTimeline', () => {
  it('marks each event with the signed ledger head that covers it, by position, or none', () => {
    const coverage = new Map([
      ['100:1', { leafIndex: 7, head: { treeSize: 8, timestamp: '2026-01-01T00:00:00.000Z' } }],
      ['100:2', { leafIndex: 9, head: null }],
    ]);
    const timeline = buildTimeline('order-1', recorded(history), { ok: true }, undefined, coverage);
    expect(timeline.entries.map((e) => e.ledger)).toEqual([coverage.get('100:1'), coverage.get('100:2'), null, null]);
  });

  describe('given placed → re-addressed → price adjusted → cancelled, all by a known actor', () => {
    const stream = recorded(history);
    const timeline = buildTimeline('order-1', stream, { ok: true });

    it('then one entry per event, in order, with its type in words', () => {
      expect(timeline.version).toBe(4);
      expect(timeline.entries.map((e) => [e.version, e.type, e.label])).toEqual([
        [1, 'OrderPlaced', 'Order placed'],
        [2, 'ShippingAddressChanged', 'Shipping address changed'],
        [3, 'OrderPriceAdjusted', 'Price adjusted'],
        [4, 'OrderCancelled', 'Order cancelled'],
      ]);
    });

    it('then each entry says who, when, why and in answer to what', () => {
      expect(timeline.entries[3]).toMatchObject({
        actor: ACTOR,
        occurredAt: '2025-03-01T09:02:59.000Z',
        recordedAt: '2025-03-01T09:03:00.000Z',
        reason: 'Customer changed their mind',
        commandId: 'cmd-4',
        commandType: 'Test',
        correlationId: 'corr-4',
        causationId: 'cause-4',
        position: '100:4',
        hash: 'hash-4',
        prevHash: 'hash-3',
        replayError: null,
      });
    });

    it('then the state after each entry is the replay to its version', () => {
      for (const entry of timeline.entries) expect(entry.stateAfter).toEqual(stateAtVersion(stream, entry.version));
    });

    it('then each diff is against the entry before it', () => {
      expect(timeline.entries.map((e) => e.diff.map((c) => c.path))).toEqual([
        ['status', 'orderId', 'customerId', 'lines', 'currency', 'total', 'shippingAddress', 'placedAt', 'adjustments'],
        ['shippingAddress.line1', 'shippingAddress.city', 'shippingAddress.postalCode', 'shippingAddress.country'],
        ['total', 'adjustments.0'],
        ['status', 'cancelledAt', 'cancelReason', 'cancelReasonCode'],
      ]);
    });

    it("then later events' money is in the order's currency and corrections point at the placement", () => {
      expect(timeline.entries[2]!.details).toEqual(['Adjustment: +€0.70', 'Total: €44.99 → €45.69']);
      expect(timeline.entries.map((e) => e.corrects?.correctsVersion ?? null)).toEqual([null, null, 1, 1]);
      expect(timeline.entries.map((e) => e.corrects?.kind ?? null)).toEqual([null, null, 'adjustment', 'reversal']);
    });
  });

  it('given events written before actors were recorded, then the actor is null (shown as "unknown actor")', () => {
    const stream = recorded(history, () => ({ commandId: 'old' }));
    const timeline = buildTimeline('o', stream, { ok: true });
    expect(timeline.entries.map((e) => e.actor)).toEqual([null, null, null, null]);
    expect(timeline.entries[0]).toMatchObject({ commandId: 'old', correlationId: null, causationId: null });
  });

  it('given odd metadata (no metadata, an actor without a name), then no actor rather than a made-up one', () => {
    const stream = recorded([orderPlaced], () => ({ actor: { id: 'u1' } }));
    expect(buildTimeline('o', stream, { ok: true }).entries[0]!.actor).toBeNull();
    const [bare] = recorded([orderPlaced]);
    const withoutMetadata = { ...bare!, metadata: undefined };
    expect(buildTimeline('o', [withoutMetadata], { ok: true }).entries[0]).toMatchObject({
      actor: null,
      commandId: null,
    });
  });

  it('given history the domain refuses, then that event and those after it keep the last good state and say why', () => {
    // Shipped after cancelled: only possible if a row was altered behind the app's back.
    const stream = recorded([...history, orderShipped(), orderShipped()]);
    const timeline = buildTimeline('o', stream, { ok: false, brokenAtVersion: 5, reason: 'x' });
    const [, , , cancelled, shipped, again] = timeline.entries;
    expect(shipped!.replayError).toMatch(/refuse.*OrderShipped.*cancelled/);
    expect(again!.replayError).toBe('Not applied: v5 before it could not be applied.');
    expect(shipped!.stateAfter).toEqual(cancelled!.stateAfter);
    expect(again!.stateAfter).toEqual(cancelled!.stateAfter);
    expect(shipped!.diff).toEqual([]);
  });

  it('given no events, then an empty timeline', () => {
    expect(buildTimeline('o', [], { ok: true })).toEqual({
      orderId: 'o',
      version: 0,
      entries: [],
      verification: { ok: true },
      customerName: null,
    });
  });

  it('given the customer’s name, then the timeline carries it and the placed event names them', () => {
    const timeline = buildTimeline('order-1', recorded(history), { ok: true }, 'Ada Lovelace');
    expect(timeline.customerName).toBe('Ada Lovelace');
    expect(timeline.entries[0]!.details.at(-1)).toMatch(/^Customer: Ada Lovelace \(/);
  });
});

describe('integrityOf', () => {
  it('given an intact chain, then every version is intact', () => {
    expect([1, 2, 3].map((v) => integrityOf(v, { ok: true }))).toEqual(['intact', 'intact', 'intact']);
  });

  it('given a chain broken at v2, then v1 intact, v2 tampered, and what follows unverified', () => {
    const broken = { ok: false as const, brokenAtVersion: 2, reason: 'x' };
    expect([1, 2, 3].map((v) => integrityOf(v, broken))).toEqual(['intact', 'tampered', 'unverified']);
  });
});
