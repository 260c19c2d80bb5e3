import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The same text as the database function ll_event_hash, built from a stored
 * row's canonical text forms (jsonb::text is deterministic), recomputed here so
 * that verification does not trust the database's own function.
 */
export function eventHash(fields: {
  prevHash: string;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  dataText: string;
  metadataText: string;
  occurredAtText: string;
}): string {
  const text = [
    fields.prevHash,
    fields.streamId,
    String(fields.version),
    fields.type,
    String(fields.schemaVersion),
    fields.dataText,
    fields.metadataText,
    fields.occurredAtText,
  ].join('\u001f');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
