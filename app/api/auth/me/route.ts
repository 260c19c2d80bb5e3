import { NextResponse } from 'next/server';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

/** Who the token or cookie belongs to; a cheap way for a script to check its credentials. */
export async function GET(req: Request) {
  return handle(req, 'read', async (user) => NextResponse.json({ user }));
}
