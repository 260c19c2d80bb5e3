import type { OrderState } from '../domain/order';
import type { JsonObject, JsonValue } from '../event-store/types';
import type { LedgerCoverage } from '../ledger/queries';

// Shapes of the audit timeline. Plain JSON only (ISO strings, no Date), so a
// timeline goes unchanged from the server to a Client Component, into the JSON
// export and into the CSV. Browser-safe: type imports only.

/** What the audit functions need of a stored event (a RecordedEvent fits). */
export type AuditSourceEvent = {
  version: number;
  type: string;
  /** The shape of `data` (current once the store has upcast it). */
  schemaVersion: number;
  data: JsonObject;
  metadata?: { [key: string]: JsonValue | undefined };
  occurredAt: Date | string;
  recordedAt: Date | string;
  position?: string;
  hash?: string;
  prevHash?: string;
};

/** The least a replay needs. */
export type ReplayEvent = Pick<AuditSourceEvent, 'version' | 'type' | 'schemaVersion' | 'data'>;

export type Actor = { id: string; name: string };

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One field that differs between two states; `before`/`after` are absent where the field is. */
export type FieldChange = {
  /** Dotted, for display and matching: `shippingAddress.city`, `lines.SKU-0001.quantity`, `adjustments.0`. */
  path: string;
  /** The same path unambiguously: array items are numbers (position) or their identity (a line's SKU). */
  segments: Array<string | number>;
  kind: ChangeKind;
  before?: JsonValue;
  after?: JsonValue;
};

/**
 * A compensating event points at the fact it corrects: history is never
 * edited, so "what was wrong" stays readable at the version it was recorded.
 */
export type Correction = {
  /** `adjustment`: the agreed price is corrected; `reversal`: the whole placement is undone. */
  kind: 'adjustment' | 'reversal';
  correctsVersion: number;
  /** One sentence, e.g. "Corrects the total agreed in v1 by +€0.70 (€52.30 → €53.00)". */
  summary: string;
};

export type TimelineEntry = {
  version: number;
  type: string;
  /** The type in words: "Order placed", "Price adjusted". */
  label: string;
  occurredAt: string;
  recordedAt: string;
  /** null for events written before commands recorded who issued them: shown as "unknown actor". */
  actor: Actor | null;
  reason: string | null;
  commandId: string | null;
  commandType: string | null;
  correlationId: string | null;
  causationId: string | null;
  position: string;
  hash: string;
  prevHash: string;
  /** The event's data as readable lines: money formatted, an address on one line. */
  details: string[];
  /** The stored payload as it is, for the export. */
  data: JsonObject;
  /** The order after this event, replayed from version 1. */
  stateAfter: OrderState;
  /** What this event changed, against the state after the event before it. */
  diff: FieldChange[];
  corrects: Correction | null;
  /**
   * Set when the domain refused to apply this event (corrupt or altered
   * history); the state then stays as it was before it, and so does every
   * later state.
   */
  replayError: string | null;
  /** The event's leaf in the ledger and the first signed head that covers it; null: not in the ledger yet. */
  ledger: LedgerCoverage | null;
};

/** How far an entry can be trusted; see integrityOf. */
export type Integrity = 'intact' | 'tampered' | 'unverified';

export type Verification =
  | { ok: true }
  | {
      ok: false;
      /** The first event whose stored content or chain link does not match its hash. */
      brokenAtVersion: number;
      reason: string;
    };

export type OrderTimeline = {
  orderId: string;
  /** The stream's last version (0 when no events are left to show). */
  version: number;
  entries: TimelineEntry[];
  verification: Verification;
  /** The customer's name from the reference data (the events carry only the id); null when unknown. */
  customerName: string | null;
};
