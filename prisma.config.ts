import { defineConfig } from 'prisma/config';

// `prisma generate` needs no database; the URL only matters to commands that
// connect. Migrations run through lib/db/migrate.ts (see the README).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/ledgerline' },
});
