/** An integer column as a driver returns it: INTEGER as number; BIGINT (and count) as bigint through Prisma, as text through pg. */
export type Int = number | bigint | string;

/**
 * The one place integers become JSON numbers: BIGINT columns and counts arrive
 * as bigint, which JSON cannot hold. Amounts in minor units stay far below
 * 2^53; one that did not would be corrupted silently by Number(), so it fails.
 */
export function toNumber(value: Int): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`read model value ${value} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}
