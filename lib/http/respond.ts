import 'server-only';
import { NextResponse } from 'next/server';
import type { Permission, SessionUser } from '../auth/permissions';
import type { CommandResult } from '../commands';
import { asUnavailable } from '../db/unavailable';
import { isAppError } from '../errors';
import { authorize } from './auth';
import { assertOwnPageWrite } from './same-origin';
import { versionEtag } from './headers';
import { loggerFor } from '../observability/logger';
import { requestIdOf } from '../observability/request-id';

export type ErrorBody = {
  error: { code: string; message: string; fields?: Record<string, string>; rule?: string };
};

/**
 * Every API route but /api/health runs through here: refuse a cookie write
 * from another origin's page, check who is calling and that their role grants
 * `permission` (403/415/401 before any input is read, so a refused request
 * writes nothing), run the handler, and turn whatever it
 * throws into the API's error body.
 */
export async function handle(
  req: Request,
  permission: Permission,
  run: (user: SessionUser) => Promise<Response>,
): Promise<Response> {
  try {
    assertOwnPageWrite(req);
    return await run(await authorize(req, permission));
  } catch (error) {
    return errorResponse(req, error);
  }
}

export function errorResponse(req: Request, thrown: unknown): NextResponse<ErrorBody> {
  const error = asUnavailable(thrown);
  // An AppError INTERNAL may still carry a detail meant for logs, so it takes the generic path too.
  if (isAppError(error) && error.code !== 'INTERNAL') {
    const headers = new Headers();
    if (error.code === 'UNAUTHENTICATED') headers.set('WWW-Authenticate', 'Bearer realm="ledgerline"');
    if (error.details.retryAfterSeconds !== undefined)
      headers.set('Retry-After', String(error.details.retryAfterSeconds));
    return NextResponse.json({ error: error.toJSON() }, { status: error.status, headers });
  }
  loggerFor('api').error(
    { requestId: requestIdOf(req.headers), method: req.method, path: new URL(req.url).pathname, err: error },
    'request failed',
  );
  return NextResponse.json({ error: { code: 'INTERNAL', message: 'Internal error' } }, { status: 500 });
}

/** The ETag is the order's version, ready to send back as If-Match. */
export function commandResponse(result: CommandResult, status: 200 | 201 = 200): NextResponse<CommandResult> {
  const body: CommandResult = { orderId: result.orderId, version: result.version, position: result.position };
  return NextResponse.json(body, { status, headers: { ETag: versionEtag(result.version) } });
}
