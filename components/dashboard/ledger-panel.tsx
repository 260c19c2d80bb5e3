'use client';

import { useQuery } from '@tanstack/react-query';
import { LocalTime } from '@/components/format/local-time';
import { count, duration } from './format';
import { Panel, PanelEmpty, PanelError, Skeleton } from './panel';
import { ledgerStatusQuery } from './queries';

/** The newest signed tree head of the ledger, and how far it trails the event log. */
export function LedgerPanel() {
  const query = useQuery(ledgerStatusQuery());
  return (
    <Panel title="Ledger" description="Signed Merkle tree heads over every event">
      {query.isPending ? (
        <div aria-busy="true">
          <span className="sr-only">Loading the ledger…</span>
          <Skeleton className="h-16 w-full" />
        </div>
      ) : query.isError ? (
        <PanelError error={query.error} onRetry={() => void query.refetch()} />
      ) : !query.data.head ? (
        <PanelEmpty>No head signed yet. Is the projection worker running?</PanelEmpty>
      ) : (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="ledger-panel">
          <dt className="text-slate-500">Latest head</dt>
          <dd className="text-slate-900" data-testid="ledger-head-size">
            #{count(query.data.head.treeSize)} ({count(query.data.head.treeSize)} events)
          </dd>
          <dt className="text-slate-500">Signed</dt>
          <dd className="text-slate-900">
            <LocalTime iso={query.data.head.timestamp} />
          </dd>
          <dt className="text-slate-500">Root</dt>
          <dd className="font-mono text-slate-900" title={query.data.head.rootHash}>
            {query.data.head.rootHash.slice(0, 16)}…
          </dd>
          <dt className="text-slate-500">Trails by</dt>
          <dd className="text-slate-900" data-testid="ledger-trailing">
            {query.data.trailingEvents === 0
              ? 'nothing: every event is covered'
              : `${count(query.data.trailingEvents)} ${query.data.trailingEvents === 1 ? 'event' : 'events'}, ${duration(query.data.trailingMs)}`}
          </dd>
          {query.data.lastError && (
            <>
              <dt className="text-red-700">Error</dt>
              <dd className="text-red-700 break-anywhere">{query.data.lastError}</dd>
            </>
          )}
        </dl>
      )}
    </Panel>
  );
}
