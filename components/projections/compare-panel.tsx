'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorBanner } from '@/components/ui/alert';
import { controlClass } from '@/components/ui/field';
import { comparable } from './availability';
import { ComparisonReport } from './comparison-report';
import { comparisonQuery } from './queries';
import type { ProjectionOverview } from './types';
import { actionErrorMessage } from './use-projection-action';

type Pair = { a: number; b: number };

/** Pick two versions with tables; the serving one is A unless chosen otherwise. */
function defaultPair(projection: ProjectionOverview): Pair {
  const versions = comparable(projection).map((v) => v.version);
  const serving = projection.versions.find((v) => v.state === 'serving')?.version ?? versions[0]!;
  const other = versions.filter((v) => v !== serving).at(-1) ?? serving;
  return { a: serving, b: other };
}

export function ComparePanel({ projection }: { projection: ProjectionOverview }) {
  const id = useId();
  const versions = comparable(projection).map((v) => v.version);
  const [pair, setPair] = useState<Pair>(() => defaultPair(projection));
  const [asked, setAsked] = useState<Pair | null>(null);
  const report = useQuery({
    ...comparisonQuery(projection.name, asked?.a ?? 0, asked?.b ?? 0),
    enabled: asked !== null,
  });
  const same = pair.a === pair.b;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (same) return;
    if (asked && asked.a === pair.a && asked.b === pair.b) void report.refetch();
    else setAsked(pair);
  }

  const select = (which: keyof Pair, label: string) => (
    <div className="min-w-0">
      <label htmlFor={`${id}-${which}`} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select
        id={`${id}-${which}`}
        value={pair[which]}
        onChange={(e) => setPair({ ...pair, [which]: Number(e.target.value) })}
        className={`${controlClass} min-w-24`}
      >
        {versions.map((v) => (
          <option key={v} value={v}>
            v{v}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <div className="space-y-3">
      <form
        onSubmit={onSubmit}
        aria-label={`Compare versions of ${projection.name}`}
        className="flex flex-wrap items-end gap-3"
      >
        {select('a', 'Version A')}
        {select('b', 'Version B')}
        <Button type="submit" variant="secondary" disabled={same} pending={report.isFetching}>
          Compare
        </Button>
        {same && <p className="text-xs text-slate-500">Pick two different versions.</p>}
      </form>
      {asked &&
        (report.isError ? (
          <ErrorBanner title="Comparison failed">{actionErrorMessage(report.error)}</ErrorBanner>
        ) : report.data ? (
          <ComparisonReport report={report.data} />
        ) : (
          <p aria-busy="true" className="text-sm text-slate-600">
            Comparing v{asked.a} with v{asked.b} at the same log position…
          </p>
        ))}
    </div>
  );
}
