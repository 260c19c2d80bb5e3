// Every read model, each in its own folder (its projection versions, tables,
// queries, live routes and client query keys). The worker runs every version
// of every read model; projection_serving says which version serves reads.
import type { Projection, ReadModel } from '../projections/types';
import { customerStatsModel } from './customer-stats';
import { orderMetricsModel } from './order-metrics';
import { orderSummariesModel } from './order-summaries';

export const READ_MODELS: readonly ReadModel[] = [orderSummariesModel, customerStatsModel, orderMetricsModel];

/** Every registered projection version. A new version goes into its read model's `versions` beside the old one. */
export const PROJECTIONS: readonly Projection[] = READ_MODELS.flatMap((model) => model.versions);
