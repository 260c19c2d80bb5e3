// Pure and browser-safe: the live server and the browser both route with it.
import type { LiveRoute } from '../live';
import { ORDER_METRICS } from './tables';

export { ORDER_METRICS };

/** Batches go to 'dashboard'; its rows (minutes, statuses) have no rooms of their own. */
export const orderMetricsLive: LiveRoute = { projection: ORDER_METRICS, view: 'dashboard' };
