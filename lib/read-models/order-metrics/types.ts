// The API's shapes for the dashboard's metrics: pure, so Client Components may import them.

export type MinuteMetrics = {
  /** Start of the UTC minute, ISO 8601. */
  minute: string;
  ordersPlaced: number;
  ordersCancelled: number;
  /** Minor units: placed totals + adjustments − cancelled amounts in that minute. */
  revenue: number;
};

export type StatusCounts = { placed: number; shipped: number; cancelled: number };

export type CancellationsByReason = {
  reasonCode: string;
  label: string;
  orders: number;
  /** Minor units: the orders' amounts at cancellation. */
  amount: number;
};

export type WindowTotals = { orders: number; revenue: number; cancelled: number };

export type DashboardMetrics = {
  /** Oldest first, one entry per minute (zeros where nothing happened), the current minute last. */
  minutes: MinuteMetrics[];
  /** Orders in each status now (all time, not only the window). */
  statusCounts: StatusCounts;
  /** Sums over `minutes`: orders placed, net revenue and orders cancelled in the window. */
  totals: WindowTotals;
  /** The same sums over the window of the same length just before it: what the trend compares with. */
  previous: WindowTotals;
  /**
   * Cancellations by reason code, all time: every code (zeros included) in
   * CANCEL_REASON_CODES order, then 'not_recorded' (cancelled before there
   * were codes). null when the serving version does not count them (v1).
   */
  cancellationsByReason: CancellationsByReason[] | null;
};

/** The metrics as they stood at a past moment (GET /api/stats/metrics?at=), computed from the event log. */
export type DashboardMetricsAt = DashboardMetrics & {
  /** The moment described, ISO 8601 to the millisecond: `at`, or the database's now when `at` is still to come. */
  asOf: string;
  historic: true;
};
