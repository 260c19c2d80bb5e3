import type { Verification } from '@/lib/audit';
import { eventAnchor } from './event-card';

const pill = 'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset';

/**
 * The verdict of recomputing the order's hash chain. Green when every event
 * matches its hash and links to the one before; red naming the first event
 * that does not, linked to its card.
 */
export function VerifyBadge({ verification }: { verification: Verification }) {
  if (verification.ok) {
    return (
      <span
        data-testid="audit-verify"
        data-ok="true"
        title="Every event still matches its hash, and each hash links to the event before it."
        className={`${pill} bg-emerald-50 text-emerald-800 ring-emerald-600/20`}
      >
        <svg viewBox="0 0 20 20" className="size-4" aria-hidden="true">
          <path d="M5 10.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        History intact
      </span>
    );
  }
  const { brokenAtVersion, reason } = verification;
  return (
    <a
      // A missing version has no card; the link then goes nowhere, harmlessly.
      href={`#${eventAnchor(brokenAtVersion)}`}
      data-testid="audit-verify"
      data-ok="false"
      title={`Event v${brokenAtVersion}: ${reason}. The events after it cannot be vouched for.`}
      className={`${pill} bg-red-50 text-red-800 ring-red-600/30 hover:bg-red-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600`}
    >
      <svg viewBox="0 0 20 20" className="size-4" aria-hidden="true">
        <path d="M10 3l8 14H2L10 3z" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinejoin="round" />
        <path d="M10 8v4M10 14.5v.5" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" />
      </svg>
      Tampered: event v{brokenAtVersion}
    </a>
  );
}
