import type { ReadModel } from '../../projections/types';
import { orderMetricsV1, orderMetricsV2 } from './projection';
import { ORDER_METRICS } from './tables';

/** The dashboard's figures: activity per minute, orders per status and (v2) cancellations by reason. */
export const orderMetricsModel: ReadModel = { name: ORDER_METRICS, versions: [orderMetricsV1, orderMetricsV2] };
