import { describe, expect, it } from 'vitest';
import { MAX_ADJUSTMENT, MAX_ORDER_TOTAL, amountProblem, type OrderEvent } from '../../lib/domain/order';
import { testPool } from '../support/db';

// The money bounds have two homes: amountProblem (TypeScript: evolve and the
// projections) and ledgerline_order_amounts_valid (SQL: the historic dashboard's
// fold and the migration that repaired damaged read models). They must agree.

const pool = testPool(2);
const M = MAX_ORDER_TOTAL;
const adjusted = (amountDelta: unknown, previousTotal: unknown, newTotal: unknown) => ({
  type: 'OrderPriceAdjusted',
  data: { amountDelta, previousTotal, newTotal },
});

const cases: Array<{ type: string; data: Record<string, unknown> }> = [
  ...[0, 1, M, M + 1, -1, 12.5, 2 ** 53, 1e21, '100', null].flatMap((value) => [
    { type: 'OrderPlaced', data: { total: value } },
    { type: 'OrderCancelled', data: { amount: value } },
  ]),
  { type: 'OrderPlaced', data: {} },
  adjusted(1, 0, 1),
  adjusted(-1, 1, 0),
  adjusted(MAX_ADJUSTMENT, 0, M),
  adjusted(-MAX_ADJUSTMENT, M, 0),
  adjusted(0, 5, 5),
  adjusted(MAX_ADJUSTMENT + 1, 0, M + 1),
  adjusted(2, M - 1, M + 1),
  adjusted(1, 5, 7),
  adjusted(Number.MAX_SAFE_INTEGER, 998, 998 + Number.MAX_SAFE_INTEGER),
  adjusted(1.5, 1, 2.5),
  adjusted('1', 1, 2),
  { type: 'OrderShipped', data: {} },
  { type: 'ShippingAddressChanged', data: { total: -1 } },
];

describe('the money bounds in TypeScript and in SQL', () => {
  it.each(cases)('agree on $type $data', async ({ type, data }) => {
    const { rows } = await pool.query<{ valid: boolean }>(
      'SELECT ledgerline_order_amounts_valid($1, $2::jsonb) AS valid',
      [type, JSON.stringify(data)],
    );
    expect(rows[0]!.valid).toBe(amountProblem({ type, data } as unknown as OrderEvent) === null);
  });

  it('accept some and refuse some of the cases above (so agreement is not all-false)', () => {
    const verdicts = cases.map(({ type, data }) => amountProblem({ type, data } as unknown as OrderEvent) === null);
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(5);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(5);
  });
});
