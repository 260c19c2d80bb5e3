import { changeSentence } from './describe';
import { integrityOf } from './timeline';
import type { Integrity, OrderTimeline, TimelineEntry, Verification } from './types';

// The timeline as files for auditors: CSV for spreadsheets, JSON for programs.
// Both are built from the same timeline the page shows.

// ---------------------------------------------------------------------------
// CSV (RFC 4180)

/**
 * A spreadsheet runs a cell that starts with = + - or @ as a formula (and
 * some also after a leading tab or carriage return), so text such as a
 * cancellation reason "=HYPERLINK(...)" would become a live link or worse.
 * Such cells get a leading apostrophe, which spreadsheets show as text (the
 * OWASP "CSV injection" advice). The apostrophe stays visible to programs that
 * read the file: the JSON export is the one for programs.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: neutralised, then quoted when it holds a comma, a quote or a line break (quotes doubled). */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Records end in CRLF, as RFC 4180 says, the last one included. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  return rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
}

type Column = readonly [
  header: string,
  value: (entry: TimelineEntry, timeline: OrderTimeline) => string | number | null,
];

const currencyOf = (entry: TimelineEntry) =>
  entry.stateAfter.status === 'empty' ? undefined : entry.stateAfter.currency;

export const CSV_COLUMNS: readonly Column[] = [
  ['order_id', (_, timeline) => timeline.orderId],
  ['version', (entry) => entry.version],
  ['event_type', (entry) => entry.type],
  ['event', (entry) => entry.label],
  ['occurred_at', (entry) => entry.occurredAt],
  ['recorded_at', (entry) => entry.recordedAt],
  ['actor_id', (entry) => entry.actor?.id ?? null],
  ['actor_name', (entry) => entry.actor?.name ?? 'unknown actor'],
  ['reason', (entry) => entry.reason],
  ['details', (entry) => entry.details.join('; ')],
  ['corrects_version', (entry) => entry.corrects?.correctsVersion ?? null],
  ['correction', (entry) => entry.corrects?.summary ?? null],
  ['changes', (entry) => entry.diff.map((change) => changeSentence(change, currencyOf(entry))).join('; ')],
  ['integrity', (entry, timeline) => integrityOf(entry.version, timeline.verification)],
  ['command_id', (entry) => entry.commandId],
  ['command_type', (entry) => entry.commandType],
  ['correlation_id', (entry) => entry.correlationId],
  ['causation_id', (entry) => entry.causationId],
  ['position', (entry) => entry.position],
  ['hash', (entry) => entry.hash],
  ['prev_hash', (entry) => entry.prevHash],
];

/** A header row, then one row per event in version order. */
export function timelineToCsv(timeline: OrderTimeline): string {
  return toCsv([
    CSV_COLUMNS.map(([header]) => header),
    ...timeline.entries.map((entry) => CSV_COLUMNS.map(([, value]) => value(entry, timeline))),
  ]);
}

// ---------------------------------------------------------------------------
// JSON

export const AUDIT_EXPORT_FORMAT = 'ledgerline.order-audit';
export const AUDIT_EXPORT_FORMAT_VERSION = 1;

export type AuditExport = {
  format: typeof AUDIT_EXPORT_FORMAT;
  formatVersion: typeof AUDIT_EXPORT_FORMAT_VERSION;
  /** When the file was made; the events' own times are in the entries. */
  exportedAt: string;
  orderId: string;
  /** From the reference data at export time; the events themselves carry the customer's id. */
  customerName: string | null;
  version: number;
  verification: Verification;
  entries: Array<TimelineEntry & { integrity: Integrity }>;
};

/** Self-describing (format and version), so a stored export stays readable when the shape grows. */
export function timelineToJson(timeline: OrderTimeline, exportedAt: Date): AuditExport {
  return {
    format: AUDIT_EXPORT_FORMAT,
    formatVersion: AUDIT_EXPORT_FORMAT_VERSION,
    exportedAt: exportedAt.toISOString(),
    orderId: timeline.orderId,
    customerName: timeline.customerName,
    version: timeline.version,
    verification: timeline.verification,
    entries: timeline.entries.map((entry) => ({
      ...entry,
      integrity: integrityOf(entry.version, timeline.verification),
    })),
  };
}

/** `order-<id>-audit.csv`: ids are UUIDs, so the name needs no quoting beyond the header's own. */
export const auditFileName = (orderId: string, extension: 'csv' | 'json') => `order-${orderId}-audit.${extension}`;
