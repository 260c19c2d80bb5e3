import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { countFeedRequest, takeStreamSlot } from '../../lib/feed/limits';

// The feed's per-user bounds, counted in this process.
afterEach(() => {
  delete process.env.LEDGERLINE_FEED_REQUESTS_PER_MINUTE;
  delete process.env.LEDGERLINE_FEED_STREAMS_PER_USER;
});

describe('feed request rate', () => {
  it('lets a user make LEDGERLINE_FEED_REQUESTS_PER_MINUTE requests a minute, then answers RATE_LIMITED with the wait', () => {
    process.env.LEDGERLINE_FEED_REQUESTS_PER_MINUTE = '3';
    const user = randomUUID();
    const start = 1_000_000;
    for (let i = 0; i < 3; i++) countFeedRequest(user, start + i);
    let refused: unknown;
    try {
      countFeedRequest(user, start + 20_000);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', status: 429, details: { retryAfterSeconds: 40 } });
    // Another user has a window of their own; the next minute starts afresh.
    expect(() => countFeedRequest(randomUUID(), start + 20_000)).not.toThrow();
    expect(() => countFeedRequest(user, start + 60_000)).not.toThrow();
  });
});

describe('open streams per user', () => {
  it('gives out LEDGERLINE_FEED_STREAMS_PER_USER slots, and a slot back once however often it is released', () => {
    process.env.LEDGERLINE_FEED_STREAMS_PER_USER = '2';
    const user = randomUUID();
    const first = takeStreamSlot(user);
    takeStreamSlot(user);
    expect(() => takeStreamSlot(user)).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    first();
    first();
    const again = takeStreamSlot(user);
    expect(() => takeStreamSlot(user)).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    again();
    expect(() => takeStreamSlot(randomUUID())).not.toThrow();
  });
});
