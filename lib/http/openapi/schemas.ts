import { z } from 'zod';
import { ROLES } from '../../auth/permissions';
import { ORDER_STATUSES } from '../../read-models/order-summaries/types';
import type { AppErrorCode } from '../../errors';
import { HTTP_STATUS } from '../../errors';

// What the API answers, as zod schemas, for the OpenAPI document (routes.ts).
// Inputs are described by the schemas the routes validate with; these are the
// outputs, which the routes build from typed use cases. The contract test
// (tests/api/openapi-contract.test.ts) holds every real response against
// them. Where a payload is large and owned by one use case (an audit timeline,
// a comparison report), its top-level fields are named and the rest stays open
// (looseObject), so the document does not become a second copy of its code.

const position = z
  .string()
  .regex(/^\d+:\d+$/)
  .describe('A log position, "<transactionId>:<globalPosition>".');
const instant = z.iso.datetime({ offset: true });
const json = z.record(z.string(), z.unknown());

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(HTTP_STATUS) as [AppErrorCode, ...AppErrorCode[]]),
    message: z.string(),
    fields: z
      .record(z.string(), z.string())
      .optional()
      .describe('Field path (e.g. `items.2.quantity`) → what is wrong.'),
    rule: z.string().optional().describe('The business rule a RULE_VIOLATION broke.'),
    retryAfterSeconds: z.number().int().optional(),
    comparison: z.unknown().optional().describe('A refused switch carries the comparison that refused it.'),
  }),
});

export const sessionUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
});

export const meResponse = z.object({ user: sessionUserSchema });
export const tokenResponse = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: instant,
  user: sessionUserSchema,
});

export const catalogResponse = z.object({
  products: z.array(z.object({ sku: z.string(), name: z.string(), unitPrice: z.number().int(), currency: z.string() })),
});
export const customersResponse = z.object({ customers: z.array(z.object({ id: z.uuid(), name: z.string() })) });

const customerStats = z.object({
  customerId: z.uuid(),
  totalOrders: z.number().int(),
  totalSpent: z.number().int(),
  cancelledOrders: z.number().int(),
  cancelledAmount: z.number().int(),
  lastOrderAt: instant.nullable(),
});
export const customerStatsResponse = customerStats;
export const customerStatsPageResponse = z.object({
  customers: z.array(customerStats.extend({ name: z.string() })),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  asOf: instant.optional().describe('With ?at=: the moment the figures describe.'),
  historic: z.literal(true).optional().describe('With ?at=: computed from the log, not the live projection.'),
});

const windowTotals = z.object({ orders: z.number(), cancelled: z.number(), revenue: z.number() });
export const metricsResponse = z.looseObject({
  minutes: z.array(json),
  statusCounts: json,
  totals: windowTotals.describe('The window of `minutes`.'),
  previous: windowTotals.describe('The window of the same length just before it, for the trend.'),
  cancellationsByReason: z.array(json).nullable(),
  asOf: instant.optional().describe('With ?at=: the moment the figures describe.'),
  historic: z.literal(true).optional().describe('With ?at=: computed from the log, not the live projection.'),
});

export const commandResult = z.object({ orderId: z.uuid(), version: z.number().int(), position });

export const orderSummarySchema = z.object({
  orderId: z.uuid(),
  customerId: z.uuid(),
  customerName: z.string().nullable(),
  status: z.enum(ORDER_STATUSES),
  total: z.number().int(),
  currency: z.string(),
  lineCount: z.number().int(),
  itemCount: z.number().int(),
  placedAt: instant,
  lastChangeAt: instant,
  lastEventType: z.string(),
  version: z.number().int(),
  position,
});
export const ordersPageResponse = z.object({
  orders: z.array(orderSummarySchema),
  nextCursor: z.string().nullable().describe('Pass as ?cursor= for the next page; null on the last.'),
  prevCursor: z.string().nullable().describe('Pass as ?before= for the page before; null on the first.'),
  total: z
    .object({ count: z.number().int(), exact: z.boolean() })
    .describe(
      'Orders matching the filters; with `exact: false` there are more than `count` (filtered counts stop at 1,000).',
    ),
});

const metadata = json.describe('Who did it and in answer to what (actor, commandId, correlationId, …).');
export const orderEventsResponse = z.object({
  events: z.array(
    z.object({
      position,
      version: z.number().int(),
      type: z.string(),
      schemaVersion: z.number().int(),
      storedSchemaVersion: z.number().int(),
      data: json,
      metadata,
      occurredAt: instant,
      hash: z.string(),
      prevHash: z.string(),
    }),
  ),
});
export const auditResponse = z.looseObject({ orderId: z.uuid(), exportedAt: instant, entries: z.array(json) });
export const orderStateResponse = z.object({
  orderId: z.uuid(),
  version: z.number().int().describe('The version the state is at: the one asked for, or the last recorded by `at`.'),
  currentVersion: z.number().int(),
  at: instant.nullable(),
  recordedAt: instant,
  occurredAt: instant,
  order: z.looseObject({ orderId: z.uuid(), status: z.enum(ORDER_STATUSES) }),
});
export const verifyResponse = z.union([
  z.object({ ok: z.literal(true), version: z.number().int() }),
  z.object({ ok: z.literal(false), version: z.number().int(), brokenAtVersion: z.number().int(), reason: z.string() }),
]);

export const feedEventSchema = z.object({
  position,
  streamId: z.string(),
  streamType: z.string(),
  version: z.number().int(),
  type: z.string(),
  schemaVersion: z.number().int().describe("The shape of `data`: its type's current one (older events are upcast)."),
  storedSchemaVersion: z.number().int(),
  data: json,
  metadata,
  occurredAt: instant,
  recordedAt: instant,
});
export const feedPageResponse = z.object({
  events: z.array(feedEventSchema),
  next: position.describe("Ask after this next time: the last event's position, or `after` when there was none."),
  more: z.boolean().describe('The page is full: more may be waiting right away.'),
});
export const recentEventsResponse = z.object({
  events: z.array(
    z.object({
      position,
      type: z.string(),
      streamId: z.string(),
      orderId: z.string(),
      occurredAt: instant,
      version: z.number().int(),
      actor: z.string().nullable(),
      summary: z.string(),
    }),
  ),
});

const failingEvent = z
  .object({ position, streamId: z.string(), streamVersion: z.number().int(), eventType: z.string() })
  .nullable();
const progress = {
  position,
  lagEvents: z.number().int(),
  progress: z.number().describe('0–1: events applied of all so far.'),
  eventsPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  status: z.string(),
  lastError: z.string().nullable(),
};
const versionStatus = z.object({
  ...progress,
  version: z.number().int(),
  state: z.enum(['building', 'ready', 'serving', 'previous', 'retired']),
  registered: z.boolean(),
  failedAttempts: z.number().int(),
  failingEvent,
  setAsideEvents: z.number().int(),
  caughtUpAt: instant.nullable(),
  retiredAt: instant.nullable(),
  rebuild: z.object({ ...progress, startedAt: instant, failingEvent }).nullable(),
});
/** The top-level fields describe the serving version; `versions` has every one. */
const projectionOverview = z.object({
  name: z.string(),
  version: z.number().int(),
  slot: z.enum(['main', 'rebuild']),
  position,
  lagEvents: z.number().int(),
  lagMs: z.number(),
  status: z.string(),
  lastError: z.string().nullable(),
  lastErrorAt: instant.nullable(),
  failedAttempts: z.number().int(),
  eventsProcessed: z.number().int(),
  eventsPerSecond: z.number(),
  caughtUpAt: instant.nullable(),
  retiredAt: instant.nullable(),
  createdAt: instant,
  processedAt: instant.nullable(),
  heartbeatAt: instant.nullable(),
  owner: z.string().nullable(),
  heldEvents: z.number().int(),
  heldMs: z.number(),
  heldBy: z.object({ pid: z.number().int(), applicationName: z.string(), openMs: z.number() }).nullable(),
  failingEvent,
  setAsideEvents: z.number().int(),
  lastSetAside: z
    .object({
      position,
      streamId: z.string(),
      streamVersion: z.number().int(),
      eventType: z.string(),
      reason: z.string(),
      at: instant,
    })
    .nullable(),
  servingVersion: z.number().int(),
  previousVersion: z.number().int().nullable(),
  switchedAt: instant.nullable(),
  versions: z.array(versionStatus),
});
export const projectionsResponse = z.object({ projections: z.array(projectionOverview) });

export const operationsResponse = z.object({ operations: z.array(z.looseObject({ type: z.string(), at: instant })) });
/** Where an operator's action was recorded in the operations stream. */
const recordedOperation = z.object({
  operationId: z.string(),
  version: z.number().int(),
  position,
});
const serving = z.object({ name: z.string(), version: z.number().int(), previousVersion: z.number().int().nullable() });
/** A comparison report: its views' counts and samples are the compare use case's own (lib/projections/compare.ts). */
const comparison = z.looseObject({ id: z.string(), passed: z.boolean(), position, views: z.array(json) });
export const rebuildResponse = z.object({ operationId: z.string(), version: z.number().int() });
export const compareResponse = comparison;
export const switchResponse = z.object({ serving, comparison: comparison.nullable(), operation: recordedOperation });
export const rollbackResponse = z.object({ serving, operation: recordedOperation });
export const retireResponse = z.object({ operation: recordedOperation });
export const retryResponse = z.object({ operation: recordedOperation });
export const skipResponse = z.object({ skipped: json, operation: recordedOperation });

const head = z.looseObject({
  treeSize: z.number().int(),
  rootHash: z.string(),
  timestamp: instant,
  signature: z.string(),
});
export const headResponse = head;
export const headsResponse = z.object({ heads: z.array(head), nextFrom: z.number().int().nullable() });
export const publicKeyResponse = z.object({
  keyId: z.string(),
  algorithm: z.literal('Ed25519'),
  publicKeyPem: z.string(),
  since: instant,
});
export const inclusionProofResponse = z.looseObject({ treeSize: z.number().int(), leafIndex: z.number().int() });
export const consistencyProofResponse = z.looseObject({
  fromTreeSize: z.number().int(),
  toTreeSize: z.number().int(),
  proof: z.array(z.string()),
});
export const ledgerStatusResponse = z.object({
  head: z
    .object({ treeSize: z.number().int(), rootHash: z.string(), timestamp: instant, keyId: z.string() })
    .nullable(),
  treeSize: z.number().int().describe('Events in the tree (signed or not yet).'),
  trailingEvents: z.number().int().describe('Committed events no signed head covers yet.'),
  trailingMs: z.number().describe('Age of the oldest event no signed head covers; 0 when all are covered.'),
  heartbeatAt: instant.nullable(),
  lastError: z.string().nullable(),
});

export const healthResponse = z.object({ status: z.enum(['ok', 'unavailable']), database: z.enum(['up', 'down']) });
export const liveResponse = z.object({ status: z.literal('live') });
const readinessCheck = z.looseObject({ ok: z.boolean(), error: z.string().optional() });
export const readinessResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  failed: z.array(z.enum(['database', 'migrations', 'worker'])),
  checks: z.object({ database: readinessCheck, migrations: readinessCheck, worker: readinessCheck }),
});
