import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { call, expectError, expectValidation, pool, POSITION, tokenFor, type Handler } from './helpers';
import { GET as feedRoute } from '../../app/api/events/route';
import { GET as streamRoute } from '../../app/api/events/stream/route';
import { GET as recentRoute } from '../../app/api/events/recent/route';
import { comparePositions } from '../../lib/event-store';
import { FEED_LIMIT_MAX } from '../../lib/feed/read';
import { closeFeedStreams, openStreamCount } from '../../lib/feed/registry';
import { getServices } from '../../lib/server/services';

// Each file runs in a process of its own: these limits are this file's.
process.env.LEDGERLINE_FEED_STREAMS_PER_USER = '2';
process.env.LEDGERLINE_FEED_HEARTBEAT_MS = '200';
process.env.LEDGERLINE_FEED_POLL_MS = '30';

const feed = (path: string, options: Parameters<typeof call>[2] = {}) => call(feedRoute as Handler, path, options);

type FeedEvent = { position: string; streamId: string; version: number; type: string; schemaVersion: number };

/** Appends one event per writer turn in transactions held open a random while, so positions commit out of order. */
async function writeOutOfOrder(run: string, writers: number, each: number) {
  const store = getServices().store;
  const committed = new Set<string>();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const streamId = `${run}-${w}`;
      let version = 0;
      for (let i = 0; i < each; i++) {
        const client = await pool().connect();
        try {
          await client.query('BEGIN');
          const result = await store.append(
            streamId,
            [{ type: 'Tick', data: { w, i } }],
            { expectedVersion: version, streamType: 'test' },
            client,
          );
          await sleep(Math.random() * 12);
          if (Math.random() < 0.2) await client.query('ROLLBACK');
          else {
            await client.query('COMMIT');
            version = result.version;
            committed.add(`${streamId}#${version}`);
          }
        } finally {
          client.release();
        }
      }
    }),
  );
  return committed;
}

/** Reads SSE messages from a handler's response until `done` says so; then hangs up as a client would. */
async function readStream(res: Response, done: (events: FeedEvent[], raw: string) => boolean, timeoutMs = 20_000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  const events: FeedEvent[] = [];
  const ids: string[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (!done(events, raw)) {
      if (Date.now() > deadline) throw new Error(`stream: timed out with ${events.length} events`);
      const { value, done: ended } = await reader.read();
      if (ended) break;
      raw += decoder.decode(value, { stream: true });
      // Only complete messages (ended by a blank line) count.
      events.length = 0;
      ids.length = 0;
      for (const message of raw.split('\n\n').slice(0, -1)) {
        const lines = message.split('\n');
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (data) {
          events.push(JSON.parse(data) as FeedEvent);
          ids.push(id!);
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return { events, ids, raw };
}

const openStream = (query = '', headers: Record<string, string> = {}, as: 'viewer' | 'operator' = 'viewer') =>
  streamRoute(
    new Request(`http://test/api/events/stream${query}`, {
      headers: { authorization: `Bearer ${tokenForCache.get(as)}`, ...headers },
    }),
  );
const tokenForCache = new Map<string, string>();
tokenForCache.set('viewer', await tokenFor('viewer'));
tokenForCache.set('operator', await tokenFor('operator'));

/** The current end of the feed: what a consumer starting now would ask after. */
async function feedEnd(): Promise<string> {
  let after = '0:0';
  for (;;) {
    const { body } = await feed(`/api/events?after=${after}&limit=${FEED_LIMIT_MAX}`);
    after = body.next;
    if (!body.more) return after;
  }
}

describe('GET /api/events', () => {
  it('pages through the log in global order and never skips or repeats an event while transactions commit out of order', async () => {
    const start = await feedEnd();
    const run = `feed-${randomUUID()}`;
    const seen: FeedEvent[] = [];
    let after = start;
    let writing = true;
    const reader = (async () => {
      for (;;) {
        const res = await feed(`/api/events?after=${after}&limit=7`, { as: 'viewer' });
        expect(res.status).toBe(200);
        expect(res.body.events.length).toBeLessThanOrEqual(7);
        expect(res.body.more).toBe(res.body.events.length === 7);
        seen.push(...(res.body.events as FeedEvent[]).filter((e) => e.streamId.startsWith(run)));
        after = res.body.next;
        if (res.body.events.length === 0) {
          if (!writing) return;
          await sleep(3);
        }
      }
    })();
    const committed = await writeOutOfOrder(run, 12, 10);
    writing = false;
    await reader;
    // A transaction still open elsewhere (another file) delays events, never loses them.
    for (const deadline = Date.now() + 20_000; seen.length < committed.size && Date.now() < deadline;) {
      const { body } = await feed(`/api/events?after=${after}&limit=100`);
      seen.push(...(body.events as FeedEvent[]).filter((e) => e.streamId.startsWith(run)));
      after = body.next;
      if (body.events.length === 0) await sleep(10);
    }
    const keys = seen.map((e) => `${e.streamId}#${e.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(committed);
    for (let i = 1; i < seen.length; i++)
      expect(comparePositions(seen[i - 1]!.position, seen[i]!.position)).toBeLessThan(0);
  });

  it('gives events upcast to their current shape, with the stored version beside it', async () => {
    const orderId = randomUUID();
    const before = await feedEnd();
    await getServices().store.append(
      `order-${orderId}`,
      [
        {
          type: 'OrderCancelled',
          schemaVersion: 1,
          data: { orderId, reason: 'Old shape', amount: 100, cancelledAt: new Date().toISOString() },
        },
      ],
      { expectedVersion: 0, streamType: 'order' },
    );
    let found: (FeedEvent & { storedSchemaVersion: number; data: Record<string, unknown> }) | undefined;
    for (const deadline = Date.now() + 10_000; !found && Date.now() < deadline; await sleep(10)) {
      const { body } = await feed(`/api/events?after=${before}&limit=${FEED_LIMIT_MAX}`);
      found = body.events.find((e: FeedEvent) => e.streamId === `order-${orderId}`);
    }
    expect(found).toMatchObject({
      type: 'OrderCancelled',
      schemaVersion: 2,
      storedSchemaVersion: 1,
      data: { reason: 'Old shape', reasonCode: 'not_recorded' },
    });
  });

  it('answers an empty page at the end with next = after', async () => {
    const end = await feedEnd();
    const { status, body } = await feed(`/api/events?after=${end}`);
    expect(status).toBe(200);
    expect(body.next).toMatch(POSITION);
    // Something may have committed since; otherwise the page is empty and stays put.
    if (body.events.length === 0) expect(body.next).toBe(end);
    else expect(comparePositions(body.next, end)).toBeGreaterThan(0);
  });

  it('refuses a bad position or limit with 400, and callers without the read role', async () => {
    expectValidation(await feed('/api/events?after=12'), { after: expect.any(String) });
    expectValidation(await feed(`/api/events?limit=${FEED_LIMIT_MAX + 1}`), { limit: expect.any(String) });
    expectValidation(await feed('/api/events?limit=0'), { limit: expect.any(String) });
    expectError(await feed('/api/events', { as: null }), 401, 'UNAUTHENTICATED');
  });

  it('keeps /api/events/recent working beside it', async () => {
    const res = await call(recentRoute as Handler, '/api/events/recent?limit=3');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.events)).toBe(true);
  });
});

describe('GET /api/events/stream', () => {
  it('streams the log live after ?after=, each message with the position as id, with heartbeats', async () => {
    const start = await feedEnd();
    const run = `sse-${randomUUID()}`;
    const res = await openStream(`?after=${start}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const writes = writeOutOfOrder(run, 6, 8);
    let committed: Set<string> | undefined;
    void writes.then((c) => (committed = c));
    const { events, ids, raw } = await readStream(
      res,
      (events, raw) =>
        committed !== undefined &&
        events.filter((e) => e.streamId.startsWith(run)).length === committed.size &&
        raw.includes(': heartbeat'),
    );
    const mine = events.filter((e) => e.streamId.startsWith(run));
    expect(new Set(mine.map((e) => `${e.streamId}#${e.version}`))).toEqual(committed);
    expect(ids).toEqual(events.map((e) => e.position));
    for (let i = 1; i < events.length; i++)
      expect(comparePositions(events[i - 1]!.position, events[i]!.position)).toBeLessThan(0);
    expect(comparePositions(events[0]!.position, start)).toBeGreaterThan(0);
    expect(raw).toMatch(/^retry: \d+\n/);
  });

  it('resumes after Last-Event-ID (over ?after=): the next message is the event after it', async () => {
    const { body } = await feed('/api/events?after=0:0&limit=3');
    expect(body.events).toHaveLength(3);
    const [first, second, third] = body.events as FeedEvent[];
    const res = await openStream('?after=0:0', { 'last-event-id': first!.position });
    const { events } = await readStream(res, (events) => events.length >= 2);
    expect(events.slice(0, 2).map((e) => e.position)).toEqual([second!.position, third!.position]);
    expectValidation(
      await call(streamRoute as Handler, '/api/events/stream', { headers: { 'last-event-id': 'nope' } }),
      { 'Last-Event-ID': expect.any(String) },
    );
    expectValidation(await call(streamRoute as Handler, '/api/events/stream?after=x'), { after: expect.any(String) });
  });

  it('caps open streams per user, gives the slot back when the client goes, and ends every stream at shutdown', async () => {
    const before = openStreamCount();
    const a = await openStream();
    const b = await openStream();
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(openStreamCount()).toBe(before + 2);
    const third = await openStream();
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another user has slots of their own.
    const other = await openStream('', {}, 'operator');
    expect(other.status).toBe(200);

    await a.body!.cancel(); // the client hangs up
    expect(openStreamCount()).toBe(before + 2);
    const again = await openStream();
    expect(again.status).toBe(200);

    // Shutdown: every open stream ends (the reads finish instead of hanging), and no new one starts.
    const ends = [b, other, again].map((res) => readStream(res, () => false));
    await closeFeedStreams();
    await Promise.all(ends);
    expect(openStreamCount()).toBe(0);
    expectError(await call(streamRoute as Handler, '/api/events/stream'), 503, 'UNAVAILABLE');
  });
});
