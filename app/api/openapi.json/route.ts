import { NextResponse } from 'next/server';
import { openApiDocument } from '@/lib/http/openapi/document';

// Built from lib/http/openapi/routes.ts when first asked; never prerendered
// at build time, where the route modules' schemas are not what matters.
export const dynamic = 'force-dynamic';

/** The OpenAPI 3.1 document of this API. Public: it describes the API, not its data (the reference at /api-docs reads it). */
export async function GET() {
  return NextResponse.json(openApiDocument());
}
