import type { ReactNode } from 'react';
import type { Integrity, TimelineEntry } from '@/lib/audit';
import { LocalTime } from '@/components/format/local-time';
import { CopyButton } from './copy-button';
import { ShortId } from './short-id';

export const eventAnchor = (version: number) => `audit-event-${version}`;

type EventCardProps = {
  entry: TimelineEntry;
  selected: boolean;
  integrity: Integrity;
  /** verifyStream's reason for the first broken event, e.g. "its content does not match its hash". */
  brokenBecause: string | null;
  /** Versions of later events that correct this one. */
  correctedBy: number[];
  onSelect: (version: number) => void;
};

/** Links to another event's card; following one also selects that version (see AuditTimeline). */
function VersionLink({ version }: { version: number }) {
  return (
    <a
      href={`#${eventAnchor(version)}`}
      className="font-medium underline underline-offset-2 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      v{version}
    </a>
  );
}

function Note({ tone, testId, children }: { tone: 'red' | 'amber' | 'slate'; testId?: string; children: ReactNode }) {
  const tones = {
    red: 'border-red-200 bg-red-50 text-red-800',
    amber: 'border-amber-200 bg-amber-50 text-amber-900',
    slate: 'border-slate-200 bg-slate-50 text-slate-700',
  };
  return (
    <p data-testid={testId} className={`mt-2 rounded-lg border px-2.5 py-1.5 text-sm break-anywhere ${tones[tone]}`}>
      {children}
    </p>
  );
}

/** One event: what, when, who, why, in answer to what, and its data in words. */
export function EventCard({ entry, selected, integrity, brokenBecause, correctedBy, onSelect }: EventCardProps) {
  const { version } = entry;
  return (
    <li
      id={eventAnchor(version)}
      tabIndex={-1}
      data-testid="audit-entry"
      data-version={version}
      aria-current={selected ? 'step' : undefined}
      className={`scroll-mt-4 rounded-xl border bg-white p-4 shadow-sm outline-none sm:p-5 ${
        integrity === 'tampered' ? 'border-red-300' : 'border-slate-200'
      } ${selected ? 'ring-2 ring-indigo-500' : ''}`}
    >
      <div className="flex items-start gap-3">
        <span
          className={`flex size-8 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${
            selected ? 'bg-indigo-600 text-white' : 'bg-slate-100 text-slate-700'
          }`}
        >
          <span className="sr-only">Version </span>
          {version}
        </span>
        <div className="min-w-0 flex-1">
          <h3 className="text-sm font-semibold text-slate-900">
            {entry.label} <span className="font-mono text-xs font-normal text-slate-600">{entry.type}</span>
          </h3>
          <p className="mt-0.5 text-xs text-slate-600">
            <LocalTime iso={entry.occurredAt} />
            <span aria-hidden="true"> · </span>
            <span data-testid="audit-actor">
              by{' '}
              {entry.actor ? (
                <span className="font-medium text-slate-900" title={`User id ${entry.actor.id}`}>
                  {entry.actor.name}
                </span>
              ) : (
                <span className="italic">unknown actor</span>
              )}
            </span>
          </p>
        </div>
        <button
          type="button"
          onClick={() => onSelect(version)}
          aria-pressed={selected}
          className="shrink-0 rounded-lg px-2.5 py-1.5 text-xs font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 aria-pressed:bg-indigo-50"
        >
          {selected ? 'Shown' : 'Show state'}
          <span className="sr-only"> after version {version}</span>
        </button>
      </div>

      {integrity === 'tampered' && (
        <Note tone="red" testId="audit-integrity">
          <span className="font-semibold">Tampered:</span> {brokenBecause ?? 'this event no longer matches its hash'}.
          What it shows may not be what was recorded.
        </Note>
      )}
      {integrity === 'unverified' && (
        <Note tone="amber" testId="audit-integrity">
          Not verified: it comes after an altered event, so the hash chain cannot vouch for it.
        </Note>
      )}
      {entry.replayError && <Note tone="red">{entry.replayError}</Note>}

      {entry.corrects && (
        <Note tone="amber" testId="audit-correction">
          <span className="font-semibold">{entry.corrects.kind === 'reversal' ? 'Reversal' : 'Correction'}</span>
          <span aria-hidden="true"> · </span>
          {entry.corrects.summary}. See <VersionLink version={entry.corrects.correctsVersion} />.
        </Note>
      )}
      {correctedBy.length > 0 && (
        <Note tone="slate">
          Corrected later by{' '}
          {correctedBy.map((v, i) => (
            <span key={v}>
              {i > 0 && ', '}
              <VersionLink version={v} />
            </span>
          ))}
          ; this record stays as it was.
        </Note>
      )}

      {entry.reason && (
        <p className="mt-2 text-sm text-slate-900 break-anywhere" data-testid="audit-reason">
          <span className="font-medium">Reason:</span> {entry.reason}
        </p>
      )}
      {entry.details.length > 0 && (
        <ul className="mt-2 space-y-0.5 text-sm text-slate-700" data-testid="audit-details">
          {entry.details.map((line, index) => (
            <li key={index} className="break-anywhere">
              {line}
            </li>
          ))}
        </ul>
      )}

      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 border-t border-slate-100 pt-2 text-xs text-slate-600 sm:grid-cols-[auto_1fr_auto_1fr]">
        <dt>Recorded</dt>
        <dd className="text-slate-700">
          <LocalTime iso={entry.recordedAt} />
        </dd>
        <dt>Command</dt>
        <dd className="text-slate-700">
          <ShortId value={entry.commandId} label={`command id of v${version}`} />
          {entry.commandType && <span className="text-slate-600"> ({entry.commandType})</span>}
        </dd>
        <dt>Correlation</dt>
        <dd className="text-slate-700" data-testid="audit-correlation">
          <ShortId value={entry.correlationId} label={`correlation id of v${version}`} />
        </dd>
        <dt>Causation</dt>
        <dd className="text-slate-700" data-testid="audit-causation">
          <ShortId value={entry.causationId} label={`causation id of v${version}`} />
        </dd>
        <dt>
          <PositionHelp version={version} />
        </dt>
        <dd className="font-mono text-slate-700">
          <span data-testid="audit-position">{entry.position}</span>
          <CopyButton value={entry.position} label={`position of v${version}`} />
        </dd>
        <dt>Hash</dt>
        <dd className="text-slate-700">
          <ShortId value={entry.hash} length={12} label={`hash of v${version}`} />
        </dd>
        <dt>Ledger</dt>
        <dd
          className="text-slate-700 sm:col-span-3"
          data-testid="audit-ledger"
          data-covered={Boolean(entry.ledger?.head)}
        >
          <LedgerCoverageText coverage={entry.ledger} position={entry.position} />
        </dd>
      </dl>
    </li>
  );
}

/**
 * Whether a signed tree head commits to this event: once one does, the
 * verifier (npm run ledger:verify) catches any later change to it, whoever
 * makes it. The head is named by its tree size, as the API and the exported
 * files name it.
 */
function LedgerCoverageText({ coverage, position }: { coverage: TimelineEntry['ledger']; position: string }) {
  if (!coverage) return <span className="italic">not in the ledger yet</span>;
  if (!coverage.head)
    return <span className="text-amber-700">leaf {coverage.leafIndex}, not yet covered by a signed head</span>;
  return (
    <span title={`GET /api/events/${position}/proof?treeSize=${coverage.head.treeSize} proves it`}>
      Covered by signed head #{coverage.head.treeSize} (leaf {coverage.leafIndex}, signed{' '}
      <LocalTime iso={coverage.head.timestamp} />)
    </span>
  );
}

/**
 * "Position" is the event's place in the whole log (all orders), which is not
 * its version (its place in this order's stream): said in a popover the
 * term opens, since a title tooltip never shows on a phone or to a keyboard.
 */
function PositionHelp({ version }: { version: number }) {
  const id = `position-help-${version}`;
  return (
    <>
      <button
        type="button"
        popoverTarget={id}
        className="cursor-help rounded underline decoration-dotted underline-offset-2 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        Position
      </button>
      <div
        id={id}
        popover="auto"
        className="m-auto max-w-xs rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-700 shadow-lg backdrop:bg-transparent"
      >
        <p>
          <strong className="text-slate-900">Position</strong> is where this event sits in the whole event log, across
          every order: the order readers and projections apply events in (transaction, then place in it). The version (v
          {version}) is its place in this order&apos;s own history.
        </p>
      </div>
    </>
  );
}
