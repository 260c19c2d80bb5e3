import { evolve, initialState, type OrderState } from '../domain/order';
import { toOrderEvent } from '../order-stream';
import type { JsonValue } from '../event-store/types';
import type { LedgerCoverage } from '../ledger/queries';
import { findCorrection } from './corrections';
import { describeEvent } from './describe';
import { diffStates } from './diff';
import type { Actor, AuditSourceEvent, Integrity, OrderTimeline, TimelineEntry, Verification } from './types';

/**
 * The audit timeline of one order from its events (in version order from 1)
 * and the result of verifying their hash chain. Pure: the use case in
 * lib/queries/order-audit.ts reads both in one snapshot and calls this.
 *
 * Each entry carries the state after it, replayed with the domain's evolve()
 * (one pass, so N events cost N applications, not N²/2), and its difference to
 * the state before it.
 */
export function buildTimeline(
  orderId: string,
  events: readonly AuditSourceEvent[],
  verification: Verification,
  /** The customer's name from the reference data, shown next to the id the events carry. */
  customerName?: string,
  /** Which signed ledger head covers each event, by position (see getCoverage). */
  coverage: ReadonlyMap<string, LedgerCoverage> = new Map(),
): OrderTimeline {
  const entries: TimelineEntry[] = [];
  let state: OrderState = initialState();
  let refusedAt: number | null = null;
  let currency: string | undefined;

  for (const [index, event] of events.entries()) {
    const before = state;
    let replayError: string | null = null;
    if (refusedAt === null) {
      try {
        state = evolve(state, toOrderEvent(event));
      } catch (error) {
        // Corrupt or altered history. Later events are not applied either: a
        // state built on a fact the domain refused would be made up.
        refusedAt = event.version;
        replayError = `The order's rules refuse this event: ${error instanceof Error ? error.message : String(error)}.`;
      }
    } else {
      replayError = `Not applied: v${refusedAt} before it could not be applied.`;
    }
    if (state.status !== 'empty' && typeof state.currency === 'string') currency = state.currency;

    const metadata = event.metadata ?? {};
    const { label, details, reason } = describeEvent(event, currency, customerName);
    entries.push({
      version: event.version,
      type: event.type,
      label,
      occurredAt: isoOf(event.occurredAt),
      recordedAt: isoOf(event.recordedAt),
      actor: actorOf(metadata.actor),
      reason,
      commandId: textOf(metadata.commandId),
      commandType: textOf(metadata.commandType),
      correlationId: textOf(metadata.correlationId),
      causationId: textOf(metadata.causationId),
      position: event.position ?? '',
      hash: event.hash ?? '',
      prevHash: event.prevHash ?? '',
      details,
      data: event.data,
      stateAfter: state,
      diff: diffStates(before, state),
      corrects: findCorrection(event, events.slice(0, index), currency),
      replayError,
      ledger: coverage.get(event.position ?? '') ?? null,
    });
  }

  return { orderId, version: events.at(-1)?.version ?? 0, entries, verification, customerName: customerName ?? null };
}

/**
 * How far an entry can be trusted: `tampered` is the first event whose hash
 * does not match; events after it are `unverified`, because the chain that
 * would vouch for them is broken.
 */
export function integrityOf(version: number, verification: Verification): Integrity {
  if (verification.ok || version < verification.brokenAtVersion) return 'intact';
  return version === verification.brokenAtVersion ? 'tampered' : 'unverified';
}

/** Only `{ id, name }` strings count: events from before actors were recorded (or odd metadata) have none. */
function actorOf(value: JsonValue | undefined): Actor | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { id, name } = value;
  return typeof id === 'string' && typeof name === 'string' ? { id, name } : null;
}

const textOf = (value: JsonValue | undefined) => (typeof value === 'string' ? value : null);

function isoOf(value: Date | string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}
