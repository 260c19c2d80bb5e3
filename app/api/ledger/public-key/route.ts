import { NextResponse } from 'next/server';
import { parseInput } from '@/lib/http/input';
import { errorResponse } from '@/lib/http/respond';
import { getPublicKey, publicKeyQuerySchema } from '@/lib/ledger/queries';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/**
 * The public key that checks the heads (`?keyId=` for an older one): public,
 * like the heads' signatures it checks. An auditor should still take the key
 * from the operator or the export folder, not only from the server it audits.
 * `Accept: application/x-pem-file` gives the PEM file itself.
 */
export async function GET(req: Request) {
  try {
    const { keyId } = parseInput(publicKeyQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    const key = await getPublicKey(getServices().pool, keyId);
    if (req.headers.get('accept')?.includes('application/x-pem-file')) {
      return new NextResponse(key.publicKeyPem, { headers: { 'Content-Type': 'application/x-pem-file' } });
    }
    return NextResponse.json(key);
  } catch (error) {
    return errorResponse(req, error);
  }
}
