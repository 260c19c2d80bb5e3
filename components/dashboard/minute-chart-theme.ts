// Shared by minute-chart.tsx (the figure, legend and table, in the main
// bundle) and minute-chart-plot.tsx (recharts, loaded on demand), so the
// legend's swatches match the marks and the placeholder matches the plot.

/** The plot's height in CSS pixels: ResponsiveContainer needs a sized parent. */
export const PLOT_HEIGHT = 240;

/** Tailwind's indigo-500 and emerald-600, as hex: recharts sets SVG attributes, not classes. */
export const ORDERS_COLOR = '#6366f1';
export const REVENUE_COLOR = '#059669';

/** Whether anything happened in a minute: quiet minutes get no dot, and a window of only quiet ones no chart. */
export const hasActivity = (m: { ordersPlaced: number; ordersCancelled: number; revenue: number }) =>
  m.ordersPlaced > 0 || m.ordersCancelled > 0 || m.revenue !== 0;
