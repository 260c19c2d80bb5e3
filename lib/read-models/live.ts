// Which view (and row rooms) each read model's batches go to, gathered from
// the folders' live.ts. Pure and browser-safe: the live server routes with it
// and the browser sorts messages out again with it (lib/live/rooms.ts).
import { customerStatsLive } from './customer-stats/live';
import { orderMetricsLive } from './order-metrics/live';
import { orderSummariesLive } from './order-summaries/live';

export type LiveRoute = {
  /** The projection whose batches this routes. */
  projection: string;
  /** The view room every batch of the serving version goes to. */
  view: string;
  /** Which of the batch's key lists names rows that have rooms of their own, and the rooms' prefix. */
  rows?: { keys: string; prefix: string };
};

export const LIVE_ROUTES: readonly LiveRoute[] = [orderSummariesLive, customerStatsLive, orderMetricsLive];
