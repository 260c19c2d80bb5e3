// The projection's name and each version's tables: the one place they are
// written (outside the migrations). Pure, so live.ts can use the name.

export const CUSTOMER_STATS = 'customer_stats';

export type CustomerStatsTables = {
  /** One row per customer with at least one order. */
  stats: string;
  /** The projection's own order → customer map (cancel and adjust events carry no customer id). */
  orders: string;
};

export const CUSTOMER_STATS_TABLES: Readonly<Record<number, CustomerStatsTables>> = {
  1: { stats: 'customer_stats_v1', orders: 'customer_stats_orders_v1' },
};
