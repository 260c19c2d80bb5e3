import 'server-only';
import { NextResponse } from 'next/server';
import type { CommandResult } from '../commands';
import { isAppError } from '../errors';
import { versionEtag } from './headers';

export type ErrorBody = {
  error: { code: string; message: string; fields?: Record<string, string>; rule?: string };
};

/** Runs a handler and turns whatever it throws into the API's error body. */
export async function handle(req: Request, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    return errorResponse(req, error);
  }
}

export function errorResponse(req: Request, error: unknown): NextResponse<ErrorBody> {
  // An AppError INTERNAL may still carry a detail meant for logs, so it takes the generic path too.
  if (isAppError(error) && error.code !== 'INTERNAL') {
    return NextResponse.json({ error: error.toJSON() }, { status: error.status });
  }
  console.error(`[api] ${req.method} ${new URL(req.url).pathname} failed:`, error);
  return NextResponse.json({ error: { code: 'INTERNAL', message: 'Internal error' } }, { status: 500 });
}

/** The ETag is the order's version, ready to send back as If-Match. */
export function commandResponse(result: CommandResult, status: 200 | 201 = 200): NextResponse<CommandResult> {
  const body: CommandResult = { orderId: result.orderId, version: result.version, position: result.position };
  return NextResponse.json(body, { status, headers: { ETag: versionEtag(result.version) } });
}
