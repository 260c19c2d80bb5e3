import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { READ_MODELS } from '../../lib/read-models';

// One home per read model: its projection's name and its versions' table
// names are written only in its own folder, lib/read-models/<folder>/ (the
// folder is the name in kebab case). Everything else asks the folder, so a
// new version or a rename touches one folder. Migrations (prisma/, SQL that
// must name its tables), tests and benches are outside the scan.

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCANNED = ['lib', 'app', 'components'];
/** Not written by hand, or not about one read model. */
const ALLOWED: Record<string, string> = {
  // Prisma's generated client repeats the schema's @@map table names.
  'lib/generated/': 'generated from prisma/schema.prisma',
  // Its doc comment gives a projection's name as an example of the field.
  'lib/projections/types.ts': 'the Projection type: `name` documented with an example',
};

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return files(relative);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [relative] : [];
  });
}

const folderOf = (name: string) => `lib/read-models/${name.replaceAll('_', '-')}/`;
const allowed = (file: string) => Object.keys(ALLOWED).some((prefix) => file.startsWith(prefix));

describe('read model names stay in their folders', () => {
  const sources = SCANNED.flatMap(files)
    .filter((file) => !allowed(file))
    .map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));

  it('scans the app', () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it.each(READ_MODELS.map((model) => [model.name]))('%s is named only in its own folder', (name) => {
    const home = folderOf(name);
    const found = sources
      .filter(({ file, text }) => !file.startsWith(home) && new RegExp(`\\b${name}`).test(text))
      .map(({ file }) => file);
    expect(found).toEqual([]);
  });

  it('no versioned table name (…_v<n>) outside the folder of its read model', () => {
    const tables = new Map(
      READ_MODELS.flatMap((model) =>
        model.versions.flatMap((version) => version.tables.map((table) => [table, folderOf(model.name)] as const)),
      ),
    );
    const misplaced: string[] = [];
    for (const { file, text } of sources) {
      for (const [match] of text.matchAll(/\b[a-z][a-z0-9_]*_v\d+\b/g)) {
        const home = tables.get(match);
        // An unknown name is flagged too: a table of no registered version.
        if (!home || !file.startsWith(home)) misplaced.push(`${file}: ${match}`);
      }
    }
    expect(misplaced).toEqual([]);
  });
});
