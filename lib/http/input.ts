import 'server-only';
import type { z } from 'zod';
import { fieldErrors, orderIdSchema } from '../commands';
import { notFound, validationError } from '../errors';
import { findProjection } from '../projections/operations';

export type OrderRouteContext = { params: Promise<{ id: string }> };

export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(fieldErrors(result.error));
  return result.data;
}

/**
 * The order id from the path. A malformed id names no order, so it is a 404
 * like an unknown one, found without asking the database.
 */
export async function orderIdParam(ctx: OrderRouteContext): Promise<string> {
  const { id } = await ctx.params;
  if (!orderIdSchema.safeParse(id).success) throw notFound('Order not found.');
  // Stream ids hold the lowercase form that randomUUID() produces.
  return id.toLowerCase();
}

export type ProjectionRouteContext = { params: Promise<{ name: string }> };
export type ProjectionVersionRouteContext = { params: Promise<{ name: string; version: string }> };

/** The registered projection version named by the path; anything else is a 404. */
export async function projectionParam(ctx: ProjectionVersionRouteContext) {
  const { name, version } = await ctx.params;
  const number = /^[1-9]\d{0,5}$/.test(version) ? Number(version) : NaN;
  return findProjection(name, number);
}
