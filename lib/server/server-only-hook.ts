import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let registered = false;

/**
 * Lets plain Node.js import modules marked `import 'server-only'` (the API
 * router and the benchmarks load route handlers from source). Next.js
 * resolves that package to an empty module on the server through its
 * react-server condition; this resolve hook does the same, for that one
 * specifier only.
 */
export function allowServerOnlyImports() {
  if (registered) return;
  registered = true;
  const emptyModule = pathToFileURL(path.resolve('node_modules/server-only/empty.js')).href;
  register(
    'data:text/javascript,' +
      encodeURIComponent(
        `export async function resolve(s, c, n) { return s === 'server-only' ? { url: ${JSON.stringify(emptyModule)}, shortCircuit: true } : n(s, c); }`,
      ),
  );
}
