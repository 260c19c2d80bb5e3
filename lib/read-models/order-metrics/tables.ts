// The projection's name and each version's tables: the one place they are
// written (outside the migrations). Pure, so live.ts can use the name.

export const ORDER_METRICS = 'order_metrics';

export type OrderMetricsTables = {
  /** Activity per UTC minute. */
  minutes: string;
  /** Orders in each status now. */
  statuses: string;
  /** Cancellations by reason code (v2 on); a version without it does not count them. */
  reasons?: string;
};

export const ORDER_METRICS_TABLES: Readonly<Record<number, OrderMetricsTables>> = {
  1: { minutes: 'order_metrics_minute_v1', statuses: 'order_status_counts_v1' },
  2: { minutes: 'order_metrics_minute_v2', statuses: 'order_status_counts_v2', reasons: 'order_cancel_reasons_v2' },
};
