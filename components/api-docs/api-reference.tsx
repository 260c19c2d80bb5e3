'use client';

import dynamic from 'next/dynamic';
import 'swagger-ui-react/swagger-ui.css';

// Swagger UI reads `window` as it loads: rendered in the browser only. Bundled
// from npm like the rest of the app (no CDN); its stylesheet is a file of our
// own origin, and it writes only style attributes, which our CSP allows.
const SwaggerUI = dynamic(() => import('swagger-ui-react'), {
  ssr: false,
  loading: () => <p className="text-sm text-slate-600">Loading the reference…</p>,
});

export function ApiReference({ url }: { url: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white">
      <SwaggerUI url={url} deepLinking tryItOutEnabled={false} defaultModelsExpandDepth={0} />
    </div>
  );
}
