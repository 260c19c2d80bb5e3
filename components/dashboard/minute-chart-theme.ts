// Shared by minute-chart.tsx (the figure, legend and table, in the main
// bundle) and minute-chart-plot.tsx (recharts, loaded on demand), so the
// legend's swatches match the marks and the placeholder matches the plot.

/** The plot's height in CSS pixels: ResponsiveContainer needs a sized parent. */
export const PLOT_HEIGHT = 240;

// recharts sets SVG attributes, not classes: the colours are CSS variables
// (app/globals.css), so the plot follows the light or dark theme like the rest.
export const ORDERS_COLOR = 'var(--chart-orders)';
export const REVENUE_COLOR = 'var(--chart-revenue)';
export const GRID_COLOR = 'var(--chart-grid)';
export const ZERO_COLOR = 'var(--chart-zero)';
export const TICK_COLOR = 'var(--chart-tick)';

/** Whether anything happened in a minute: quiet minutes get no dot, and a window of only quiet ones no chart. */
export const hasActivity = (m: { ordersPlaced: number; ordersCancelled: number; revenue: number }) =>
  m.ordersPlaced > 0 || m.ordersCancelled > 0 || m.revenue !== 0;
