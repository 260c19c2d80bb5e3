import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { SessionUser } from '../../lib/auth/permissions';
import type { CommandResult } from '../../lib/commands';
import type { readFeed } from '../../lib/feed/read';
import type { OrderEventView } from '../../lib/http/order-events';
import type * as out from '../../lib/http/openapi/schemas';
import type { getConsistencyProof, getHeads, getLedgerStatus, getPublicKey } from '../../lib/ledger/queries';
import type { compareVersions } from '../../lib/projections/compare';
import type { retireVersion, rollBack, switchVersion } from '../../lib/projections/lifecycle';
import type { requestRetry, skipFailingEvent } from '../../lib/projections/operations';
import type { requestRebuild } from '../../lib/projections/rebuild';
import type { listProjections } from '../../lib/projections/status';
import type { listRecentEvents } from '../../lib/queries/dashboard';
import type { getOrderStateAsOf, verifyOrder } from '../../lib/queries/order-audit';
import type { listCatalog, listCustomers } from '../../lib/queries/reference-data';
import type { listCustomerStatsAt } from '../../lib/read-models/customer-stats/at';
import type { getCustomerStats, listCustomerStats } from '../../lib/read-models/customer-stats/queries';
import type { listOrderSummaries } from '../../lib/read-models/order-summaries/list';
import type { getOrderSummary } from '../../lib/read-models/order-summaries/queries';

// The OpenAPI document's response schemas (lib/http/openapi/schemas.ts) against
// the types the use cases return, as JSON carries them (dates as strings): a
// use case whose output drifts from its documented shape fails typecheck here
// (`npm run typecheck` checks tests), before the contract test sees a response.

type AsJson<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? AsJson<U>[]
    : T extends object
      ? { [K in keyof T]: AsJson<T[K]> }
      : T;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer<F extends (...args: any[]) => Promise<unknown>> = AsJson<NonNullable<Awaited<ReturnType<F>>>>;

describe('the documented responses describe what the use cases return', () => {
  it('reference data, orders and audit', () => {
    expectTypeOf<{ products: Answer<typeof listCatalog> }>().toExtend<z.input<typeof out.catalogResponse>>();
    expectTypeOf<{ customers: Answer<typeof listCustomers> }>().toExtend<z.input<typeof out.customersResponse>>();
    expectTypeOf<AsJson<CommandResult>>().toExtend<z.input<typeof out.commandResult>>();
    expectTypeOf<Answer<typeof listOrderSummaries>>().toExtend<z.input<typeof out.ordersPageResponse>>();
    expectTypeOf<Answer<typeof getOrderSummary>>().toExtend<z.input<typeof out.orderSummarySchema>>();
    expectTypeOf<{ events: AsJson<OrderEventView>[] }>().toExtend<z.input<typeof out.orderEventsResponse>>();
    expectTypeOf<Answer<typeof getOrderStateAsOf>>().toExtend<z.input<typeof out.orderStateResponse>>();
    expectTypeOf<Answer<typeof verifyOrder>>().toExtend<z.input<typeof out.verifyResponse>>();
    expectTypeOf<{ user: SessionUser }>().toExtend<z.input<typeof out.meResponse>>();
  });

  it('read models, projections, the event feed and the ledger', () => {
    expectTypeOf<Answer<typeof getCustomerStats>>().toExtend<z.input<typeof out.customerStatsResponse>>();
    expectTypeOf<Answer<typeof listCustomerStats>>().toExtend<z.input<typeof out.customerStatsPageResponse>>();
    expectTypeOf<Answer<typeof listCustomerStatsAt>>().toExtend<z.input<typeof out.customerStatsPageResponse>>();
    expectTypeOf<Answer<typeof readFeed>>().toExtend<z.input<typeof out.feedPageResponse>>();
    expectTypeOf<Answer<typeof listRecentEvents>>().toExtend<z.input<typeof out.recentEventsResponse>>();
    expectTypeOf<Answer<typeof getHeads>>().toExtend<z.input<typeof out.headsResponse>>();
    expectTypeOf<Answer<typeof getPublicKey>>().toExtend<z.input<typeof out.publicKeyResponse>>();
    expectTypeOf<Answer<typeof getConsistencyProof>>().toExtend<z.input<typeof out.consistencyProofResponse>>();
    expectTypeOf<Answer<typeof getLedgerStatus>>().toExtend<z.input<typeof out.ledgerStatusResponse>>();
    expectTypeOf<Answer<typeof requestRebuild>>().toExtend<z.input<typeof out.rebuildResponse>>();
    expectTypeOf<Answer<typeof compareVersions>>().toExtend<z.input<typeof out.compareResponse>>();
    expectTypeOf<Answer<typeof switchVersion>>().toExtend<z.input<typeof out.switchResponse>>();
    expectTypeOf<Answer<typeof rollBack>>().toExtend<z.input<typeof out.rollbackResponse>>();
    expectTypeOf<Answer<typeof retireVersion>>().toExtend<z.input<typeof out.retireResponse>>();
    expectTypeOf<Answer<typeof requestRetry>>().toExtend<z.input<typeof out.retryResponse>>();
    expectTypeOf<Answer<typeof skipFailingEvent>>().toExtend<z.input<typeof out.skipResponse>>();
    expectTypeOf<{ projections: Answer<typeof listProjections> }>().toExtend<z.input<typeof out.projectionsResponse>>();
  });
});
