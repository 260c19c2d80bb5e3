'use client';

import { useEffect, useRef, useState } from 'react';
import type { MinuteMetrics } from '@/lib/queries/dashboard';
import { clockTime, count, money, moneyCompact } from './format';

// Orders placed per minute as bars (left axis) and net revenue per minute as a
// line (right axis). Revenue can be negative (a cancellation takes its amount
// back in its own minute), so both axes share one zero line.

const HEIGHT = 240;
const MARGIN = { top: 12, right: 56, bottom: 28, left: 40 };
const TICKS = 4;

/** The smallest 1, 2 or 5 × 10^k step that covers `max` in about `ticks` steps. */
function niceStep(max: number, ticks: number, integer: boolean): number {
  const raw = Math.max(max, integer ? 1 : Number.EPSILON) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw)!;
  return integer ? Math.max(1, Math.ceil(step)) : step;
}

export function MinuteChart({ minutes }: { minutes: MinuteMetrics[] }) {
  const [containerRef, width] = useElementWidth(640);
  const innerW = Math.max(width - MARGIN.left - MARGIN.right, 10);
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;

  // Orders: 0 … oMax. Revenue: rMin (≤ 0) … rMax (> 0). Zero sits at fraction z from the bottom for both.
  const maxOrders = Math.max(0, ...minutes.map((m) => m.ordersPlaced));
  const oStep = niceStep(maxOrders, TICKS, true);
  const oMax = Math.max(oStep, Math.ceil(maxOrders / oStep) * oStep);
  const maxRevenue = Math.max(0, ...minutes.map((m) => m.revenue));
  const minRevenue = Math.min(0, ...minutes.map((m) => m.revenue));
  const rStep = niceStep(Math.max(maxRevenue, -minRevenue, 100), TICKS, false);
  const rMax = Math.max(rStep, Math.ceil(maxRevenue / rStep) * rStep);
  const rMin = Math.floor(minRevenue / rStep) * rStep;
  const zeroY = MARGIN.top + innerH * (rMax / (rMax - rMin));
  const oY = (n: number) => zeroY - (n / oMax) * (zeroY - MARGIN.top);
  const rY = (v: number) => MARGIN.top + ((rMax - v) / (rMax - rMin)) * innerH;

  const slot = innerW / Math.max(minutes.length, 1);
  const barW = Math.max(1, slot * 0.7);
  const x = (i: number) => MARGIN.left + i * slot + slot / 2;

  const orderTicks = Array.from({ length: Math.round(oMax / oStep) + 1 }, (_, i) => i * oStep);
  const revenueTicks: number[] = [];
  for (let v = rMin; v <= rMax + rStep / 2; v += rStep) revenueTicks.push(Math.round(v));
  // About one time label per 80 px, always including the last (current) minute.
  const labelEvery = Math.max(1, Math.ceil(minutes.length / Math.max(1, Math.floor(innerW / 80))));
  const timeTicks = minutes.map((m, i) => ({ m, i })).filter(({ i }) => (minutes.length - 1 - i) % labelEvery === 0);

  const line = minutes.map((m, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${rY(m.revenue).toFixed(1)}`).join(' ');
  const first = minutes[0];
  const last = minutes.at(-1);
  const totalOrders = minutes.reduce((n, m) => n + m.ordersPlaced, 0);
  const totalRevenue = minutes.reduce((n, m) => n + m.revenue, 0);

  return (
    <figure className="min-w-0">
      <div ref={containerRef} className="w-full">
        <svg
          role="img"
          aria-labelledby="minute-chart-title minute-chart-desc"
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          className="block max-w-full text-slate-500"
        >
          <title id="minute-chart-title">Orders placed and net revenue per minute</title>
          <desc id="minute-chart-desc">
            {first && last
              ? `${minutes.length} minutes from ${clockTime(first.minute)} to ${clockTime(last.minute)}: ${count(totalOrders)} orders placed, ${money(totalRevenue)} net revenue. A data table follows the chart.`
              : 'No data.'}
          </desc>

          {/* Grid and left axis: orders */}
          {orderTicks.map((n) => (
            <g key={`o${n}`}>
              <line x1={MARGIN.left} x2={MARGIN.left + innerW} y1={oY(n)} y2={oY(n)} className="stroke-slate-200" />
              <text x={MARGIN.left - 6} y={oY(n)} dy="0.32em" textAnchor="end" className="fill-current text-[11px]">
                {count(n)}
              </text>
            </g>
          ))}
          <text x={4} y={MARGIN.top - 2} className="fill-indigo-700 text-[11px] font-medium" dominantBaseline="hanging">
            Orders
          </text>

          {/* Right axis: revenue */}
          {revenueTicks.map((v) => (
            <text key={`r${v}`} x={MARGIN.left + innerW + 6} y={rY(v)} dy="0.32em" className="fill-current text-[11px]">
              {moneyCompact(v)}
            </text>
          ))}
          <text
            x={width - 4}
            y={MARGIN.top - 2}
            textAnchor="end"
            dominantBaseline="hanging"
            className="fill-emerald-700 text-[11px] font-medium"
          >
            Revenue
          </text>

          {/* Bars */}
          {minutes.map((m, i) =>
            m.ordersPlaced > 0 ? (
              <rect
                key={m.minute}
                x={x(i) - barW / 2}
                y={oY(m.ordersPlaced)}
                width={barW}
                height={Math.max(zeroY - oY(m.ordersPlaced), 1)}
                rx={Math.min(2, barW / 4)}
                className="fill-indigo-500"
              >
                <title>{`${clockTime(m.minute)}: ${count(m.ordersPlaced)} placed, ${count(m.ordersCancelled)} cancelled, ${money(m.revenue)}`}</title>
              </rect>
            ) : null,
          )}

          {/* Zero line and revenue line */}
          <line x1={MARGIN.left} x2={MARGIN.left + innerW} y1={zeroY} y2={zeroY} className="stroke-slate-400" />
          <path d={line} fill="none" strokeWidth={2} strokeLinejoin="round" className="stroke-emerald-600" />

          {/* Time axis */}
          {timeTicks.map(({ m, i }) => (
            <text
              key={`t${m.minute}`}
              x={x(i)}
              y={HEIGHT - 8}
              textAnchor={i === minutes.length - 1 ? 'end' : 'middle'}
              className="fill-current text-[11px]"
            >
              {clockTime(m.minute)}
            </text>
          ))}
        </svg>
      </div>
      <figcaption className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-sm bg-indigo-500" aria-hidden="true" /> Orders placed (left axis)
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="h-0.5 w-3 bg-emerald-600" aria-hidden="true" /> Net revenue (right axis)
        </span>
      </figcaption>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-600 hover:text-slate-900">Show as table</summary>
        <div className="mt-2 max-h-64 overflow-auto rounded-lg border border-slate-200">
          <table className="w-full text-left text-xs tabular-nums">
            <caption className="sr-only">Orders and revenue per minute</caption>
            <thead className="sticky top-0 bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Minute
                </th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Placed
                </th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Cancelled
                </th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Revenue
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {minutes.map((m) => (
                <tr key={m.minute}>
                  <th scope="row" className="px-3 py-1 font-normal">
                    <time dateTime={m.minute}>{clockTime(m.minute)}</time>
                  </th>
                  <td className="px-3 py-1 text-right">{count(m.ordersPlaced)}</td>
                  <td className="px-3 py-1 text-right">{count(m.ordersCancelled)}</td>
                  <td className="px-3 py-1 text-right">{money(m.revenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

// The chart draws in real pixels (text keeps its size on a phone), so it
// follows its container's width.
function useElementWidth(initial: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.round(entry.contentRect.width)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}
