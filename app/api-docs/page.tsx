import type { Metadata } from 'next';
import { ApiReference } from '@/components/api-docs/api-reference';
import { requireUser } from '@/lib/auth/current-user';

export const metadata: Metadata = { title: 'API reference' };

// The interactive reference of /api/openapi.json. The document is public; the
// page is behind sign-in like every page, so that "Try it out" runs with the
// browser's session cookie.
export default async function Page() {
  await requireUser();
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API reference</h1>
        <p className="mt-1 text-sm text-slate-600">
          Generated from the same schemas the API validates with:{' '}
          <a className="font-medium text-indigo-700 underline" href="/api/openapi.json">
            /api/openapi.json
          </a>{' '}
          (OpenAPI 3.1) for client generators. Requests you try here run as you, with your role.
        </p>
      </div>
      <ApiReference url="/api/openapi.json" />
    </div>
  );
}
