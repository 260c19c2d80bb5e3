'use client';

import { useQuery } from '@tanstack/react-query';
import { useCan } from '@/components/auth/user-context';
import { PanelEmpty, PanelError, Skeleton } from '@/components/dashboard/panel';
import { PageHeader } from '@/components/orders/page-header';
import { OperationsLog } from './operations-log';
import { ProjectionCard } from './projection-card';
import { overviewQuery } from './queries';
import { useProjectionsLive } from './use-projections-live';

/**
 * Every projection with its versions, and the operations log. Operators act
 * on them; everyone else sees the same page without the buttons (the API
 * refuses their writes anyway). Pushes of every committed batch refetch it.
 */
export function ProjectionsPage() {
  useProjectionsLive();
  const canOperate = useCan('projections:operate');
  const query = useQuery(overviewQuery());
  return (
    <>
      <PageHeader
        title="Projections"
        description={
          canOperate
            ? 'Each read model’s versions: rebuild, compare, switch, roll back and retire them. Every action is recorded.'
            : 'Each read model’s versions, updated live. Only operators can act on them.'
        }
      />
      <div className="space-y-6">
        {query.isPending ? (
          <div aria-busy="true" className="space-y-4">
            <span className="sr-only">Loading projections…</span>
            <Skeleton className="h-48 w-full" />
            <Skeleton className="h-48 w-full" />
          </div>
        ) : query.isError && !query.data ? (
          <PanelError error={query.error} onRetry={() => void query.refetch()} />
        ) : query.data.length === 0 ? (
          <PanelEmpty>No projection has started yet. Is the projection worker running?</PanelEmpty>
        ) : (
          query.data.map((p) => <ProjectionCard key={p.name} projection={p} canOperate={canOperate} />)
        )}
        <OperationsLog />
      </div>
    </>
  );
}
