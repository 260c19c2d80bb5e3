import { count } from '@/components/dashboard/format';
import { LocalTime } from '@/components/format/local-time';
import type { ViewComparison, ComparisonReport as Report } from './types';

/**
 * A comparison of two versions at one log position: per view, the rows only
 * one of them has and the rows that differ, with samples, and the columns
 * either version declares may differ (with why).
 */
export function ComparisonReport({ report }: { report: Report }) {
  const caption = `${report.name}: v${report.a} (A) against v${report.b} (B)`;
  return (
    <div data-testid="comparison-report" className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span
          data-testid="comparison-result"
          className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
            report.passed
              ? 'bg-emerald-50 text-emerald-800 ring-emerald-600/20'
              : 'bg-red-50 text-red-800 ring-red-600/20'
          }`}
        >
          {report.passed ? 'Passed' : 'Differences found'}
        </span>
        <span className="min-w-0 text-slate-700 break-anywhere">
          v{report.a} against v{report.b} at position <span className="font-mono">{report.position}</span>,{' '}
          <LocalTime iso={report.createdAt} />
        </span>
      </div>
      <div role="region" aria-label={`${caption}, per view`} tabIndex={0} className="overflow-x-auto rounded-lg">
        <table className="min-w-full text-left text-sm tabular-nums">
          <caption className="sr-only">{caption}</caption>
          <thead className="text-xs text-slate-500">
            <tr className="border-b border-slate-200">
              <th scope="col" className="py-1.5 pr-3 font-medium">
                View
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                Only in A
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                Only in B
              </th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">
                Differing
              </th>
              <th scope="col" className="py-1.5 pl-3 font-medium">
                Expected differences
              </th>
            </tr>
          </thead>
          <tbody>
            {report.views.map((view) => (
              <tr key={view.view} className="border-b border-slate-100 align-top">
                <th scope="row" className="py-1.5 pr-3 font-mono font-normal text-slate-900">
                  {view.view}
                </th>
                <Num n={view.onlyInA} />
                <Num n={view.onlyInB} />
                <Num n={view.differing} />
                <td className="py-1.5 pl-3 text-xs text-slate-600">
                  {Object.keys(view.expected).length === 0 ? (
                    '—'
                  ) : (
                    <ul className="min-w-48 space-y-0.5">
                      {Object.entries(view.expected).map(([column, why]) => (
                        <li key={column}>
                          <span className="font-mono">{column}</span>: {why}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.notCompared.length > 0 && (
        <ul className="text-xs text-slate-600">
          {report.notCompared.map((n) => (
            <li key={n.view}>
              <span className="font-mono">{n.view}</span> exists only in v{n.onlyIn}: not compared.
            </li>
          ))}
        </ul>
      )}
      {report.views.filter(hasSamples).map((view) => (
        <Samples key={view.view} view={view} />
      ))}
    </div>
  );
}

function Num({ n }: { n: number }) {
  return (
    <td className={`px-3 py-1.5 text-right ${n > 0 ? 'font-semibold text-red-700' : 'text-slate-700'}`}>{count(n)}</td>
  );
}

const hasSamples = (v: ViewComparison) =>
  v.samples.onlyInA.length + v.samples.onlyInB.length + v.samples.differing.length > 0;

function Samples({ view }: { view: ViewComparison }) {
  return (
    <details className="rounded-lg border border-slate-200 text-sm">
      <summary className="cursor-pointer px-3 py-2 font-medium text-slate-800">
        Sample rows of <span className="font-mono">{view.view}</span>
      </summary>
      <div className="space-y-2 border-t border-slate-200 p-3">
        <SampleList title="Only in A" rows={view.samples.onlyInA} />
        <SampleList title="Only in B" rows={view.samples.onlyInB} />
        <SampleList title="Differing (key, A, B)" rows={view.samples.differing} />
      </div>
    </details>
  );
}

function SampleList({ title, rows }: { title: string; rows: readonly unknown[] }) {
  if (rows.length === 0) return null;
  return (
    <div>
      <h4 className="text-xs font-medium text-slate-600">{title}</h4>
      <pre
        tabIndex={0}
        className="mt-1 max-h-60 overflow-auto rounded bg-slate-900 p-2 font-mono text-xs text-slate-100"
      >
        {rows.map((row) => JSON.stringify(row)).join('\n')}
      </pre>
    </div>
  );
}
