// npm run db:migration -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql from the changes
// in prisma/schema.prisma since the last migration. Add raw SQL (functions,
// triggers) to the generated file before committing it.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { draftMigration, paths, SCHEMA_SNAPSHOT } from '../lib/db/migrate';
import { resolveDatabase } from '../lib/db/resolve';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name>   (lower-case letters, digits and _)');
  process.exit(2);
}

const db = await resolveDatabase();
try {
  const draft = await draftMigration(db.url);
  if (!draft) {
    console.log('prisma/schema.prisma has no changes since the last migration.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(paths.MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'migration.sql'), draft.sql);
    await writeFile(path.join(dir, SCHEMA_SNAPSHOT), draft.schema);
    await writeFile(
      path.join(paths.MIGRATIONS_DIR, paths.LOCKFILE),
      '# Do not edit by hand.\nprovider = "postgresql"\n',
    );
    console.log(`Created ${path.relative(process.cwd(), dir)}/migration.sql`);
  }
} finally {
  await db.stop();
}
