import 'server-only';
import { actorOf, type SessionUser } from '../auth/permissions';
import type { CommandContext } from '../commands';
import { validationError } from '../errors';
import { requestIdOf } from '../observability/request-id';

const PRINTABLE_ID = /^[\x20-\x7E]{1,200}$/;
// Only the strong form: a weak validator cannot promise the exact version.
const VERSION_ETAG = /^"(\d{1,15})"$/;

export const versionEtag = (version: number) => `"${version}"`;

/** Idempotency-Key: 1–200 printable ASCII characters, or absent. */
export const idempotencyKey = (req: Request) => printableHeader(req, 'Idempotency-Key');

/** A header that is absent, or 1–200 printable ASCII characters (an id a client chose). */
function printableHeader(req: Request, name: string): string | undefined {
  const value = req.headers.get(name);
  if (value === null) return undefined;
  if (!PRINTABLE_ID.test(value)) throw headerError(name, `${name} must be 1 to 200 printable ASCII characters.`);
  return value;
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
export const correlationId = (req: Request) => printableHeader(req, 'X-Correlation-Id');

/**
 * Who asked, and how. If-Match only means something for an order that
 * exists, so creation ignores it. Without X-Correlation-Id the request id is
 * the correlation (one API call), so that one id finds the request, the
 * command, its events, the batch that applied them and the push.
 */
export function commandContext(req: Request, user: SessionUser, options: { conditional: boolean }): CommandContext {
  const commandId = idempotencyKey(req);
  const expectedVersion = options.conditional ? ifMatchVersion(req) : undefined;
  const requestId = requestIdOf(req.headers);
  return {
    commandId,
    expectedVersion,
    actor: actorOf(user),
    correlationId: correlationId(req) ?? requestId,
    ...(requestId ? { requestId } : {}),
  };
}

function headerError(header: string, message: string) {
  return validationError({ [header]: message }, message);
}
