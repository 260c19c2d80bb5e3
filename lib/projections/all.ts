import { customerStats } from './customer-stats';
import { orderMetrics } from './order-metrics';
import { orderSummaries } from './order-summaries';
import type { Projection } from './types';

/** Every projection the worker runs. A new version goes here beside the old one until it has caught up. */
export const PROJECTIONS: readonly Projection[] = [orderSummaries, customerStats, orderMetrics];
