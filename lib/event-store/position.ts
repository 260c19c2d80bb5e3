// A global position is the pair (transaction id, global sequence number).
// Readers deliver events in that order (see read-all.ts), so a checkpoint is
// only comparable as the pair: sequence numbers alone can commit out of order.
// It travels as the string "<transactionId>:<globalPosition>". No imports here:
// the browser compares positions too.

export type Position = { transactionId: bigint; globalPosition: bigint };

export const START: Position = { transactionId: 0n, globalPosition: 0n };

const FORMAT = /^(\d{1,20}):(\d{1,20})$/;

export function formatPosition(position: Position): string {
  return `${position.transactionId}:${position.globalPosition}`;
}

export function isPosition(value: unknown): value is string {
  return typeof value === 'string' && FORMAT.test(value);
}

export function parsePosition(value: string): Position {
  const match = FORMAT.exec(value);
  if (!match)
    throw new TypeError(`Not a position: ${JSON.stringify(value)} (expected "<transactionId>:<globalPosition>")`);
  return { transactionId: BigInt(match[1]!), globalPosition: BigInt(match[2]!) };
}

/** Negative when a comes before b, 0 when equal, positive after. */
export function comparePositions(a: Position | string, b: Position | string): number {
  const x = typeof a === 'string' ? parsePosition(a) : a;
  const y = typeof b === 'string' ? parsePosition(b) : b;
  if (x.transactionId !== y.transactionId) return x.transactionId < y.transactionId ? -1 : 1;
  if (x.globalPosition !== y.globalPosition) return x.globalPosition < y.globalPosition ? -1 : 1;
  return 0;
}
