import type { ReadModel } from '../../projections/types';
import { orderSummariesV1 } from './projection';
import { ORDER_SUMMARIES } from './tables';

/** One row per order (the orders list, GET /api/orders). */
export const orderSummariesModel: ReadModel = { name: ORDER_SUMMARIES, versions: [orderSummariesV1] };
