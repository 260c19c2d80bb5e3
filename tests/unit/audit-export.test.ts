import { describe, expect, it } from 'vitest';
import {
  buildTimeline,
  CSV_COLUMNS,
  csvCell,
  timelineToCsv,
  timelineToJson,
  toCsv,
  type OrderTimeline,
} from '../../lib/audit';
import { parseCsv } from '../support/csv';
import { history, recorded } from './audit-fixtures';
import { orderCancelled, orderPlaced, PLACED_TOTAL } from './order-fixtures';

describe('csvCell', () => {
  it('given plain text or numbers, then writes them as they are', () => {
    expect(csvCell('Order placed')).toBe('Order placed');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('given a comma, a quote or a line break, then quotes the cell and doubles its quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'])(
    'given %j, which a spreadsheet would run as a formula, then prefixes an apostrophe',
    (value) => {
      expect(parseCsv(`${csvCell(value)}\r\n`)).toEqual([[`'${value}`]]);
    },
  );

  it('given a formula that also needs quoting, then neutralises first and quotes the result', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","Click")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""Click"")"',
    );
  });

  it('leaves those characters alone anywhere but at the start', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('Total: -€5.00')).toBe('Total: -€5.00');
    expect(csvCell(' =1')).toBe(' =1');
  });
});

describe('toCsv', () => {
  it('ends every record, the last one too, with CRLF', () => {
    expect(
      toCsv([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toBe('a,b\r\nc,d\r\n');
  });
});

describe('timelineToCsv', () => {
  const hostile = 'Refund "all", now\n=HYPERLINK("http://evil.example")';
  const timeline = (): OrderTimeline =>
    buildTimeline(
      'order-1',
      recorded([orderPlaced, orderCancelled(hostile, PLACED_TOTAL)], (version) =>
        version === 1 ? { commandId: 'c1', actor: { id: 'u1', name: '@admin' } } : { commandId: 'c2' },
      ),
      { ok: true },
    );

  it('given a timeline, then a header row and one row per event, readable back cell for cell', () => {
    const rows = parseCsv(timelineToCsv(timeline()));
    expect(rows[0]).toEqual(CSV_COLUMNS.map(([header]) => header));
    expect(rows).toHaveLength(3);
    const records = rows.slice(1).map((row) => Object.fromEntries(rows[0]!.map((header, i) => [header, row[i]])));
    expect(records[0]).toMatchObject({
      order_id: 'order-1',
      version: '1',
      event_type: 'OrderPlaced',
      event: 'Order placed',
      occurred_at: '2025-03-01T08:59:59.000Z',
      recorded_at: '2025-03-01T09:00:00.000Z',
      actor_id: 'u1',
      // A name is user data too: neutralised like any other cell.
      actor_name: "'@admin",
      reason: '',
      corrects_version: '',
      integrity: 'intact',
      command_id: 'c1',
      hash: 'hash-1',
    });
    expect(records[0]!.details).toContain('2 × Mug (SKU-MUG) at €12.50 = €25.00; ');
    expect(records[0]!.changes).toContain('Status: not placed → placed');
  });

  it('given text with quotes, commas, a line break and a formula, then the cell reads back as that text', () => {
    const [, , cancelled] = parseCsv(timelineToCsv(timeline()));
    const cell = (header: string) => cancelled![CSV_COLUMNS.findIndex(([name]) => name === header)];
    expect(cell('reason')).toBe(hostile);
    expect(cell('actor_name')).toBe('unknown actor');
    expect(cell('actor_id')).toBe('');
    expect(cell('corrects_version')).toBe('1');
    expect(cell('correction')).toBe('Reverses the order placed in v1 (€44.99)');
    expect(cell('changes')).toContain(`Cancellation reason added: ${hostile}`);
  });

  it('given a reason that starts like a formula, then the reason cell starts with an apostrophe', () => {
    const tl = buildTimeline('o', recorded([orderPlaced, orderCancelled('=cmd|"/c calc"!A1', PLACED_TOTAL)]), {
      ok: true,
    });
    const [, , cancelled] = parseCsv(timelineToCsv(tl));
    expect(cancelled![CSV_COLUMNS.findIndex(([name]) => name === 'reason')]).toBe('\'=cmd|"/c calc"!A1');
  });

  it('given a broken chain, then each row says whether it is intact, tampered or unverified', () => {
    const tl = buildTimeline('o', recorded(history), { ok: false, brokenAtVersion: 2, reason: 'x' });
    const column = CSV_COLUMNS.findIndex(([name]) => name === 'integrity');
    expect(
      parseCsv(timelineToCsv(tl))
        .slice(1)
        .map((row) => row[column]),
    ).toEqual(['intact', 'tampered', 'unverified', 'unverified']);
  });

  it('given no events, then only the header', () => {
    expect(
      parseCsv(timelineToCsv(buildTimeline('o', [], { ok: false, brokenAtVersion: 1, reason: 'x' }))),
    ).toHaveLength(1);
  });
});

describe('timelineToJson', () => {
  it('is self-describing, carries the verdict, and survives a JSON round trip unchanged', () => {
    const tl = buildTimeline('order-1', recorded(history), { ok: true });
    const exported = timelineToJson(tl, new Date('2026-01-02T03:04:05.000Z'));
    expect(exported).toMatchObject({
      format: 'ledgerline.order-audit',
      formatVersion: 1,
      exportedAt: '2026-01-02T03:04:05.000Z',
      orderId: 'order-1',
      version: 4,
      verification: { ok: true },
    });
    expect(exported.entries.map((e) => [e.version, e.label, e.integrity])).toEqual([
      [1, 'Order placed', 'intact'],
      [2, 'Shipping address changed', 'intact'],
      [3, 'Price adjusted', 'intact'],
      [4, 'Order cancelled', 'intact'],
    ]);
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
  });
});
