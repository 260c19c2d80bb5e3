import type pg from 'pg';
import type { EventStore } from '../event-store';
import { compareVersions } from './compare';
import { retireVersion, rollBack, switchVersion, type SwitchInput } from './lifecycle';
import { findProjection, findVersions, servingNow, versionOf } from './operations';
import type { Actor } from './operations-log';
import { requestRebuild } from './rebuild';
import type { Projection } from './types';

// What an operator can do to a projection by name, as the API and the CLI
// call it: each resolves the versions it names (the serving one by default)
// and calls the one use case that does it.

export type ProjectionServices = { pool: pg.Pool; store: EventStore };

/** Rebuilds `version`, or the serving version. */
export async function rebuildProjection(
  services: ProjectionServices,
  name: string,
  input: { version?: number | undefined; reason?: string | undefined },
  actor: Actor,
) {
  findVersions(name);
  const version = input.version ?? (await servingNow(services.pool, name));
  return requestRebuild(services, findProjection(name, version), { reason: input.reason }, actor);
}

/** Compares `a` (the serving version by default) with `b`. */
export async function compareProjection(
  services: ProjectionServices,
  name: string,
  query: { a?: number | undefined; b: number },
  actor: Actor,
) {
  findVersions(name);
  const a = query.a ?? (await servingNow(services.pool, name));
  return compareVersions(services, findProjection(name, a), findProjection(name, query.b), actor);
}

export function switchProjection(services: ProjectionServices, target: Projection, input: SwitchInput, actor: Actor) {
  return switchVersion(services, target, versionOf(target.name), input, actor);
}

export function rollBackProjection(
  services: ProjectionServices,
  name: string,
  input: { reason: string },
  actor: Actor,
) {
  findVersions(name);
  return rollBack(services, name, versionOf(name), input, actor);
}

export { retireVersion as retireProjectionVersion };
