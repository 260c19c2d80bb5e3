import { NextResponse } from 'next/server';
import { clientAddress } from '@/lib/auth/client-address';
import { signIn, signInSchema } from '@/lib/auth/sign-in';
import { sessionToken } from '@/lib/auth/session-cookie';
import { issueToken, revokeToken } from '@/lib/auth/tokens';
import { parseInput } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { errorResponse, handle } from '@/lib/http/respond';
import { getServices } from '@/lib/server/services';

/**
 * POST { username, password } → { token, expiresAt, user } for scripts, which
 * then send `Authorization: Bearer <token>`. Rate-limited like the sign-in page.
 */
export async function POST(req: Request) {
  try {
    const input = parseInput(signInSchema, await readJsonObject(req));
    const { pool } = getServices();
    const user = await signIn(pool, input, clientAddress(req.headers));
    const { token, expiresAt } = await issueToken(pool, user);
    return NextResponse.json(
      { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user },
      // A credential: never cached anywhere.
      { headers: { 'Cache-Control': 'no-store' } },
    );
  } catch (error) {
    return errorResponse(req, error);
  }
}

/**
 * DELETE with the token to end (as the bearer token, or the session cookie) →
 * 204: that session is over everywhere, within SESSION_CHECK_TTL_MS on other nodes.
 */
export async function DELETE(req: Request) {
  return handle(req, 'read', async () => {
    const token = sessionToken(req.headers.get('authorization'), req.headers.get('cookie'))!;
    await revokeToken(getServices().pool, token);
    return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  });
}
