'use client';

import { useEffect, useRef } from 'react';
import 'swagger-ui-dist/swagger-ui.css';

// Swagger UI from npm (swagger-ui-dist), bundled into our own chunks: no CDN.
// Its prebuilt bundle, not swagger-ui-react: Turbopack's build of the latter
// breaks on OpenAPI 3.1 documents ("refract is not a function",
// swagger-api/swagger-ui#10599). It writes style attributes and data: icons,
// which the page policy allows (lib/http/security-headers.ts); no inline script, no eval.
export function ApiReference({ url }: { url: string }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = container.current;
    let cancelled = false;
    void import('swagger-ui-dist/swagger-ui-bundle.js').then(({ default: SwaggerUIBundle }) => {
      if (cancelled || !node) return;
      SwaggerUIBundle({ domNode: node, url, deepLinking: true, defaultModelsExpandDepth: 0 });
    });
    // StrictMode mounts twice: the second mount starts from an empty node.
    return () => {
      cancelled = true;
      node?.replaceChildren();
    };
  }, [url]);
  return (
    <div ref={container} className="min-h-40 overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <p className="p-4 text-sm text-slate-600">Loading the reference…</p>
    </div>
  );
}
