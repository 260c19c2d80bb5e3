// Pure and browser-safe: the live server and the browser both route with it.
import type { LiveRoute } from '../live';
import { ORDER_SUMMARIES } from './tables';

export { ORDER_SUMMARIES };

/** Batches go to 'orders'; each changed order also to its own room, `order:<id>`. */
export const orderSummariesLive: LiveRoute = {
  projection: ORDER_SUMMARIES,
  view: 'orders',
  rows: { keys: 'orders', prefix: 'order:' },
};
