// Pure and browser-safe: the live server and the browser both route with it.
import type { LiveRoute } from '../live';
import { CUSTOMER_STATS } from './tables';

export { CUSTOMER_STATS };

/** Batches go to 'customers'; each changed customer also to its own room, `customer:<id>`. */
export const customerStatsLive: LiveRoute = {
  projection: CUSTOMER_STATS,
  view: 'customers',
  rows: { keys: 'customers', prefix: 'customer:' },
};
