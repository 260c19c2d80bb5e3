/**
 * A read model's tables, by projection version. Only its folder knows them:
 * a query resolves the serving version (servingVersion) once per request and
 * asks this for that version's tables.
 */
export function tablesFor<T>(name: string, tables: Readonly<Record<number, T>>, version: number): T {
  const found = tables[version];
  if (!found) throw new Error(`${name} v${version} serves, but this build has no tables for it`);
  return found;
}
