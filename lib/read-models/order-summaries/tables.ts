// The projection's name and each version's tables: the one place they are
// written (outside the migrations). Pure, so live.ts can use the name.

export const ORDER_SUMMARIES = 'order_summaries';

export type OrderSummariesTables = { orders: string; counts: string };

export const ORDER_SUMMARIES_TABLES: Readonly<Record<number, OrderSummariesTables>> = {
  1: { orders: 'order_summaries_v1', counts: 'order_summary_counts_v1' },
};
