import { NextResponse, type NextRequest } from 'next/server';
import { ACTION_BODY_LIMIT_BYTES, ACTION_TOO_LARGE_MESSAGE } from '../actions/body-limit';

// Next.js refuses a server action body over its limit by failing the action
// with a 500 whose message production hides, which the browser cannot tell
// from a crash. Every action posts to a page, so the proxy sees each one first
// and can answer 413 with words instead.

/** A fetch action names itself in Next-Action; a form posted before hydration is multipart. */
function isActionPost(request: NextRequest): boolean {
  if (request.method !== 'POST') return false;
  if (request.headers.has('next-action')) return true;
  return (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');
}

async function bodyExceeds(request: NextRequest, limit: number): Promise<boolean> {
  const declared = request.headers.get('content-length');
  // Node's parser holds the body to its declared length.
  if (declared !== null) return Number(declared) > limit;
  // Chunked: count what arrives (Next.js gives the proxy a copy of the body).
  const reader = request.body?.getReader();
  if (!reader) return false;
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return false;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return true;
    }
  }
}

/** A 413 for a server action call whose body is over the limit, else null. */
export async function refuseOversizedAction(request: NextRequest): Promise<NextResponse | null> {
  if (!isActionPost(request) || !(await bodyExceeds(request, ACTION_BODY_LIMIT_BYTES))) return null;
  // Exactly text/plain: only then does Next.js's client hand the text to the caller.
  return new NextResponse(ACTION_TOO_LARGE_MESSAGE, {
    status: 413,
    headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' },
  });
}
