import { count, duration } from '@/components/dashboard/format';
import { percent } from './availability';

/** Share of the log replayed, with the rate and the time left. */
export function ReplayProgress({
  label,
  progress,
  eventsPerSecond,
  etaSeconds,
}: {
  label: string;
  progress: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
}) {
  const share = Math.min(1, Math.max(0, progress));
  const text = `${percent(share)} of the log`;
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-xs text-slate-600 tabular-nums">
        <span className="font-medium text-slate-800">{label}</span>
        <span data-testid="progress-text">
          {text} · {count(Math.round(eventsPerSecond))} events/s
          {etaSeconds !== null && ` · about ${duration(etaSeconds * 1000)} left`}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.floor(share * 100)}
        aria-valuetext={text}
        className="h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full rounded-full bg-indigo-600 transition-[width]" style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}
