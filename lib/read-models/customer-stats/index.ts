import type { ReadModel } from '../../projections/types';
import { customerStatsV1 } from './projection';
import { CUSTOMER_STATS } from './tables';

/** Per-customer totals (the dashboard's customer table, GET /api/customers/{id}/stats). */
export const customerStatsModel: ReadModel = { name: CUSTOMER_STATS, versions: [customerStatsV1] };
