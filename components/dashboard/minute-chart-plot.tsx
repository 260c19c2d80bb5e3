'use client';

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type DotItemDotProps,
  type TooltipContentProps,
} from 'recharts';
import type { MinuteMetrics } from '@/lib/read-models/order-metrics/types';
import { clockTime, count, money, moneyCompact } from './format';
import {
  GRID_COLOR,
  hasActivity,
  ORDERS_COLOR,
  PLOT_HEIGHT,
  REVENUE_COLOR,
  TICK_COLOR,
  ZERO_COLOR,
} from './minute-chart-theme';

// The recharts half of minute-chart.tsx, loaded in the browser only (see
// there). Orders placed per minute are bars on the left axis, net revenue per
// minute a line on the right axis. Revenue can be negative (a cancellation
// takes its amount back in its own minute), so both axes share one zero line:
// the domains and ticks are computed here rather than left to recharts, which
// would scale each axis on its own.

const TICKS = 4;

const TICK_STYLE = { fill: TICK_COLOR, fontSize: 11 };

/** The smallest 1, 2 or 5 × 10^k step that covers `max` in about `ticks` steps. */
function niceStep(max: number, ticks: number, integer: boolean): number {
  const raw = Math.max(max, integer ? 1 : Number.EPSILON) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw)!;
  return integer ? Math.max(1, Math.ceil(step)) : step;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  // `+ 0` turns -0 into 0, which Intl would print as "-€0".
  for (let v = from; v <= to + step / 2; v += step) out.push(Math.round(v) + 0);
  return out;
}

/**
 * Orders run 0 … oMax, revenue rMin (≤ 0) … rMax (> 0), and both axes get the
 * same number of steps above zero, so zero and every grid line sit at the
 * same height on both. The orders axis reaches below zero by as many steps as
 * revenue does, without ticks there: no bar goes below zero.
 */
function axes(minutes: MinuteMetrics[]) {
  const maxOrders = Math.max(0, ...minutes.map((m) => m.ordersPlaced));
  const maxRevenue = Math.max(0, ...minutes.map((m) => m.revenue));
  const minRevenue = Math.min(0, ...minutes.map((m) => m.revenue));
  const oStep = niceStep(maxOrders, TICKS, true);
  const rStep = niceStep(Math.max(maxRevenue, -minRevenue, 100), TICKS, false);
  const stepsUp = Math.max(1, Math.ceil(maxOrders / oStep), Math.ceil(maxRevenue / rStep));
  const stepsDown = Math.ceil(-minRevenue / rStep) + 0;
  const oMax = stepsUp * oStep;
  const rMax = stepsUp * rStep;
  const rMin = -stepsDown * rStep;
  return {
    orders: { domain: [-stepsDown * oStep, oMax] as [number, number], ticks: range(0, oMax, oStep) },
    revenue: { domain: [rMin, rMax] as [number, number], ticks: range(rMin, rMax, rStep) },
  };
}

export default function MinuteChartPlot({ minutes }: { minutes: MinuteMetrics[] }) {
  const { orders, revenue } = axes(minutes);

  return (
    // ResponsiveContainer measures its parent: give it a fixed height.
    <div className="w-full min-w-0" style={{ height: PLOT_HEIGHT }}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={minutes}
          margin={{ top: 8, right: 0, bottom: 0, left: 0 }}
          barCategoryGap="20%"
          // The figure around the plot is the accessible image, and the data
          // table beside it holds the numbers: no focus stop inside the image.
          accessibilityLayer={false}
        >
          {/* On the revenue axis: its ticks reach below zero, and above zero they match the orders ticks. */}
          <CartesianGrid yAxisId="revenue" vertical={false} stroke={GRID_COLOR} />
          <XAxis
            dataKey="minute"
            tickFormatter={clockTime}
            tick={TICK_STYLE}
            tickLine={false}
            axisLine={{ stroke: GRID_COLOR }}
            interval="preserveEnd"
            minTickGap={24}
            height={24}
          />
          <YAxis
            yAxisId="orders"
            orientation="left"
            domain={orders.domain}
            ticks={orders.ticks}
            allowDecimals={false}
            tickFormatter={(n: number) => count(n)}
            tick={TICK_STYLE}
            tickLine={false}
            axisLine={false}
            width="auto"
          />
          <YAxis
            yAxisId="revenue"
            orientation="right"
            domain={revenue.domain}
            ticks={revenue.ticks}
            tickFormatter={(v: number) => moneyCompact(v)}
            tick={TICK_STYLE}
            tickLine={false}
            axisLine={false}
            width="auto"
          />
          <ReferenceLine yAxisId="revenue" y={0} stroke={ZERO_COLOR} />
          <Tooltip content={MinuteTooltip} cursor={{ fill: 'rgba(148, 163, 184, 0.15)' }} isAnimationActive={false} />
          {/* Live data arrives every few hundred milliseconds under load: no animation. */}
          <Bar
            yAxisId="orders"
            dataKey="ordersPlaced"
            name="Orders placed"
            fill={ORDERS_COLOR}
            radius={[2, 2, 0, 0]}
            maxBarSize={24}
            // A day is 1,440 minutes: their slots are narrower than a pixel, and bars would vanish.
            barSize={minutes.length > 200 ? 1 : undefined}
            isAnimationActive={false}
          />
          <Line
            yAxisId="revenue"
            dataKey="revenue"
            name="Net revenue"
            type="linear"
            stroke={REVENUE_COLOR}
            strokeWidth={2}
            dot={ActivityDot}
            activeDot={{ r: 4 }}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * A dot only where something happened: on quiet minutes a dot per minute
 * reads as a dotted zero line, and in a long window a lone busy minute would
 * otherwise be a hairline.
 */
function ActivityDot({ cx, cy, index, payload }: DotItemDotProps) {
  const m = payload as MinuteMetrics;
  if (cx == null || cy == null || !hasActivity(m)) {
    return <g key={`dot-${index}`} />;
  }
  return <circle key={`dot-${index}`} cx={cx} cy={cy} r={3} fill={REVENUE_COLOR} />;
}

function MinuteTooltip({ active, payload }: TooltipContentProps) {
  const m = payload?.[0]?.payload as MinuteMetrics | undefined;
  if (!active || !m) return null;
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-xs shadow-md tabular-nums">
      <p className="font-medium text-slate-900">{clockTime(m.minute)}</p>
      <p className="mt-1 text-slate-700">
        <span className="mr-1.5 inline-block size-2 rounded-sm" style={{ background: ORDERS_COLOR }} />
        {count(m.ordersPlaced)} placed
        {m.ordersCancelled > 0 && `, ${count(m.ordersCancelled)} cancelled`}
      </p>
      <p className="text-slate-700">
        <span className="mr-1.5 inline-block h-0.5 w-2 align-middle" style={{ background: REVENUE_COLOR }} />
        {money(m.revenue)} net revenue
      </p>
    </div>
  );
}
