'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Panel, PanelEmpty, PanelError, Skeleton } from '@/components/dashboard/panel';
import { LocalTime } from '@/components/format/local-time';
import { Button } from '@/components/ui/button';
import { describeOperation } from './describe-operation';
import { operationsQuery } from './queries';

const PAGE = 20;

/** Who did what to which projection, when and why: newest first, a page at a time. */
export function OperationsLog() {
  const query = useQuery(operationsQuery());
  const [shown, setShown] = useState(PAGE);
  return (
    <Panel title="Operations log" description="Every operator action, recorded append-only with who, when and why">
      {query.isPending ? (
        <div aria-busy="true" className="space-y-2">
          <span className="sr-only">Loading the operations log…</span>
          <Skeleton className="h-10 w-full" />
          <Skeleton className="h-10 w-full" />
        </div>
      ) : query.isError ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.length === 0 ? (
        <PanelEmpty>No operator has acted on a projection yet.</PanelEmpty>
      ) : (
        <>
          <ol aria-label="Operations, newest first" className="divide-y divide-slate-100">
            {query.data.slice(0, shown).map((entry) => {
              const described = describeOperation(entry);
              return (
                <li key={entry.hash} data-testid="operation" data-type={entry.type} className="py-2 text-sm">
                  <p className="text-slate-900 break-anywhere">{described.what}</p>
                  <p className="text-xs text-slate-500">
                    {entry.actor ? entry.actor.name : 'The system'} · <LocalTime iso={entry.at} />
                  </p>
                  {described.why && (
                    <p className="mt-0.5 text-xs text-slate-700 break-anywhere">
                      <span className="font-medium">Why:</span> {described.why}
                    </p>
                  )}
                  {described.details.map((detail) => (
                    <p key={detail} className="mt-0.5 font-mono text-xs text-slate-500 break-anywhere">
                      {detail}
                    </p>
                  ))}
                </li>
              );
            })}
          </ol>
          <div className="mt-3 flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
            <span>
              Showing {Math.min(shown, query.data.length)} of {query.data.length}
              {query.data.length >= 100 ? ' latest' : ''}
            </span>
            {shown < query.data.length && (
              <Button variant="secondary" onClick={() => setShown(shown + PAGE)}>
                Show older
              </Button>
            )}
          </div>
        </>
      )}
    </Panel>
  );
}
