'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorBanner } from '@/components/ui/alert';
import { ApiError } from '@/lib/client/fetchers';
import { ReasonField } from './action-form';
import type { SwitchResult } from './api';
import { ComparisonReport } from './comparison-report';
import { comparisonQuery } from './queries';
import type { ComparisonReport as Report, ProjectionOverview, VersionStatus } from './types';
import { actionErrorMessage, useProjectionAction } from './use-projection-action';

/** A refused switch carries the comparison that refused it. */
function refusedComparison(error: Error | null): Report | null {
  if (!(error instanceof ApiError) || error.rule !== 'COMPARISON_FAILED') return null;
  const body = error.body as { comparison?: Report; error?: { comparison?: Report } } | undefined;
  return body?.comparison ?? body?.error?.comparison ?? null;
}

/**
 * Switch reads to `target`: first the comparison with the serving version at
 * one log position, then the switch. The server compares again and refuses
 * unless it passes; an operator may override a failed comparison, with a reason.
 */
export function SwitchAction({
  projection,
  target,
  serving,
}: {
  projection: ProjectionOverview;
  target: VersionStatus;
  serving: VersionStatus | null;
}) {
  const id = useId();
  const action = useProjectionAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  const [missing, setMissing] = useState(false);
  const [switched, setSwitched] = useState<SwitchResult | null>(null);
  const comparison = useQuery({
    ...comparisonQuery(projection.name, serving?.version ?? 0, target.version),
    enabled: open && serving !== null,
    // The switch must see the versions as they are now, not a report from earlier.
    staleTime: 0,
  });

  const refused = refusedComparison(action.error);
  const report = refused ?? comparison.data ?? null;
  const needsOverride = report !== null && !report.passed;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (override && reason.trim() === '') {
      setMissing(true);
      return;
    }
    action.mutate(
      { kind: 'switch', name: projection.name, version: target.version, reason, override },
      {
        onSuccess: (result) => {
          setSwitched(result as SwitchResult);
          setOpen(false);
          setReason('');
          setOverride(false);
        },
      },
    );
  }

  if (!open) {
    return (
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="primary"
          onClick={() => {
            action.reset();
            setSwitched(null);
            setOpen(true);
          }}
        >
          Switch to this version
        </Button>
        {switched && (
          <p role="status" className="text-sm text-emerald-700">
            v{target.version} serves {projection.name} now
            {switched.comparison ? (switched.comparison.passed ? ' (comparison passed).' : ' (by override).') : '.'}
          </p>
        )}
      </div>
    );
  }

  const error = missing ? 'An override needs a reason.' : undefined;
  const hint = override
    ? 'Required for an override; kept in the operations log.'
    : 'Optional; kept in the operations log.';
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={`Switch ${projection.name} to v${target.version}`}
      className="w-full space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-3"
    >
      <p className="text-sm text-slate-700">
        Reads move from v{serving?.version ?? '?'} to v{target.version} in one step; v{serving?.version ?? '?'} is kept
        as previous, for a rollback.
      </p>
      {refused ? (
        <ErrorBanner title="Switch refused">{actionErrorMessage(action.error!)}</ErrorBanner>
      ) : (
        action.isError && <ErrorBanner title="Switch refused">{actionErrorMessage(action.error)}</ErrorBanner>
      )}
      {serving === null ? null : comparison.isError && !refused ? (
        <ErrorBanner title="Could not compare">{actionErrorMessage(comparison.error)}</ErrorBanner>
      ) : report ? (
        <ComparisonReport report={report} />
      ) : (
        <p aria-busy="true" className="text-sm text-slate-600">
          Comparing v{serving.version} with v{target.version}…
        </p>
      )}
      {needsOverride && (
        <label className="flex items-start gap-2 text-sm text-slate-800">
          <input
            type="checkbox"
            checked={override}
            onChange={(e) => {
              setOverride(e.target.checked);
              setMissing(false);
            }}
            className="mt-0.5 size-4 rounded border-slate-300 text-red-600 focus:ring-red-600"
          />
          <span>Override: the comparison did not pass, switch anyway.</span>
        </label>
      )}
      <ReasonField
        id={`${id}-reason`}
        value={reason}
        error={error}
        hint={hint}
        onChange={(value) => {
          setReason(value);
          setMissing(false);
        }}
      />
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="ghost" onClick={() => setOpen(false)} disabled={action.isPending}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant={override ? 'danger' : 'primary'}
          pending={action.isPending}
          disabled={(needsOverride && !override) || (serving !== null && !report)}
        >
          {override ? `Override and switch to v${target.version}` : `Switch to v${target.version}`}
        </Button>
      </div>
    </form>
  );
}
