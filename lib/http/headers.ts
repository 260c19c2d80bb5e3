import 'server-only';
import { actorOf, type SessionUser } from '../auth/permissions';
import type { CommandContext } from '../commands';
import { validationError } from '../errors';

const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,200}$/;
// Only the strong form: a weak validator cannot promise the exact version.
const VERSION_ETAG = /^"(\d{1,15})"$/;

export const versionEtag = (version: number) => `"${version}"`;

/** Idempotency-Key: 1–200 printable ASCII characters, or absent. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.headers.get('idempotency-key');
  if (key === null) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw headerError('Idempotency-Key', 'Idempotency-Key must be 1 to 200 printable ASCII characters.');
  }
  return key;
}

/** If-Match: one quoted version as sent in ETag (e.g. `"3"`), or absent. */
export function ifMatchVersion(req: Request): number | undefined {
  const value = req.headers.get('if-match');
  if (value === null) return undefined;
  const match = VERSION_ETAG.exec(value);
  if (!match) throw headerError('If-Match', 'If-Match must be a quoted order version from an ETag, e.g. "3".');
  return Number(match[1]);
}

/** X-Correlation-Id: ties several commands of one user action together; 1–200 printable ASCII characters, or absent. */
export function correlationId(req: Request): string | undefined {
  const value = req.headers.get('x-correlation-id');
  if (value === null) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw headerError('X-Correlation-Id', 'X-Correlation-Id must be 1 to 200 printable ASCII characters.');
  }
  return value;
}

/**
 * Who asked, and how. If-Match only means something for an order that
 * exists, so creation ignores it. Without X-Correlation-Id the command is its
 * own correlation (the command id), which is what one API call is.
 */
export function commandContext(req: Request, user: SessionUser, options: { conditional: boolean }): CommandContext {
  const commandId = idempotencyKey(req);
  const expectedVersion = options.conditional ? ifMatchVersion(req) : undefined;
  return { commandId, expectedVersion, actor: actorOf(user), correlationId: correlationId(req) };
}

function headerError(header: string, message: string) {
  return validationError({ [header]: message }, message);
}
