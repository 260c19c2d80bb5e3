import 'server-only';
import { z } from 'zod';
import type { Permission } from '../../auth/permissions';
import { signInSchema } from '../../auth/sign-in';
import {
  adjustOrderPriceSchema,
  cancelOrderSchema,
  changeShippingAddressSchema,
  orderIdSchema,
  placeOrderSchema,
  shipOrderSchema,
} from '../../commands';
import type { AppErrorCode } from '../../errors';
import { feedQuerySchema, feedStreamQuerySchema } from '../../feed/read';
import { consistencyQuerySchema, headsQuerySchema, proofQuerySchema, publicKeyQuerySchema } from '../../ledger/queries';
import {
  compareQuerySchema,
  rebuildInputSchema,
  retireInputSchema,
  retryInputSchema,
  rollbackInputSchema,
  skipInputSchema,
  switchInputSchema,
} from '../../projections/operations';
import { recentEventsQuerySchema } from '../../queries/dashboard';
import { orderStateQuerySchema } from '../../queries/order-audit';
import { customerStatsQuerySchema } from '../../read-models/customer-stats/at';
import { metricsQuerySchema } from '../../read-models/order-metrics/queries';
import { listOrdersQuerySchema } from '../../read-models/order-summaries/list-params';
import * as out from './schemas';

// Every route of app/api, one entry per method: the document (document.ts) is
// built from this list and nothing else, and the contract test fails on a
// route file that is not here. To document a new route, add its entry: the
// input schemas it validates with, what it answers, and the error codes its
// use case throws (the ones every route of its kind can answer are added by
// document.ts: 401/403 from its permission, 400/413/415 for a JSON body, 500, 503).

export type Access = Permission | 'public';

export type ApiResponseSpec = {
  description: string;
  /** JSON body; omit for a response without one (204). */
  schema?: z.ZodType;
  /** A body that is not JSON (CSV, PEM, an event stream); beside `schema` when the client may choose (Accept). */
  content?: { type: string; description: string };
};

export type ApiRoute = {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path template, e.g. `/api/orders/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  pathParams?: z.ZodObject;
  query?: z.ZodType;
  headers?: Record<string, { schema: z.ZodType; description: string }>;
  /** A JSON body; `required: false` for commands that take `{}` or nothing. */
  body?: { schema: z.ZodType; required: boolean };
  responses: Record<number, ApiResponseSpec>;
  /** The use case's own errors, beyond those of every route of its kind. */
  errors?: AppErrorCode[];
};

const orderParams = z.object({ id: orderIdSchema.describe('The order id (a UUID).') });
const projectionParams = z.object({
  name: z.string().describe('A projection name, as GET /api/projections lists them.'),
});
const projectionVersionParams = projectionParams.extend({
  version: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .describe('A registered version number of the projection.'),
});

const printable = z.string().regex(/^[\x20-\x7E]{1,200}$/);
const commandHeaders = {
  'Idempotency-Key': {
    schema: printable,
    description: 'Makes the command idempotent: the same key again returns the first result and writes nothing.',
  },
  'X-Correlation-Id': { schema: printable, description: 'Ties several commands of one user action together.' },
};
const conditionalHeaders = {
  ...commandHeaders,
  'If-Match': {
    schema: z.string().regex(/^"\d{1,15}"$/),
    description: 'The order version it must still be at (an ETag, e.g. "3"); else 409 CONFLICT.',
  },
};

/** A command on one order: POST, If-Match and Idempotency-Key, the command result. */
const command = (
  path: string,
  summary: string,
  body: z.ZodType,
  { required = true, access = 'orders:write' as Access } = {},
): ApiRoute => ({
  method: 'post',
  path,
  tag: 'Orders',
  summary,
  access,
  pathParams: orderParams,
  headers: conditionalHeaders,
  body: { schema: body, required },
  responses: {
    200: { description: 'Recorded: the new version (also as ETag) and log position.', schema: out.commandResult },
  },
  errors: ['NOT_FOUND', 'CONFLICT', 'RULE_VIOLATION'],
});

/** An operator's action on a projection (a version of it, unless `params` says otherwise). */
const operation = (
  method: 'post' | 'delete',
  path: string,
  summary: string,
  body: z.ZodType,
  response: z.ZodType,
  { required = false, status = 200, params = projectionVersionParams as z.ZodObject } = {},
): ApiRoute => ({
  method,
  path,
  summary,
  tag: 'Projections',
  access: 'projections:operate',
  pathParams: params,
  body: { schema: body, required },
  responses: {
    [status]: { description: 'Done, and recorded in the operations stream.', schema: response },
  },
  errors: ['NOT_FOUND', 'RULE_VIOLATION', 'CONFLICT'],
});

export const API_ROUTES: ApiRoute[] = [
  // --- Auth
  {
    method: 'post',
    path: '/api/auth/token',
    tag: 'Auth',
    summary: 'Trade a username and password for a bearer token',
    description: 'Rate-limited like the sign-in page (429 with Retry-After).',
    access: 'public',
    body: { schema: signInSchema, required: true },
    responses: { 200: { description: 'A session token for `Authorization: Bearer`.', schema: out.tokenResponse } },
    errors: ['UNAUTHENTICATED', 'RATE_LIMITED'],
  },
  {
    method: 'delete',
    path: '/api/auth/token',
    tag: 'Auth',
    summary: 'End the session of the token sent (bearer or cookie)',
    access: 'read',
    responses: { 204: { description: 'Signed out everywhere.' } },
  },
  {
    method: 'get',
    path: '/api/auth/me',
    tag: 'Auth',
    summary: 'Who the credentials belong to',
    access: 'read',
    responses: { 200: { description: 'The signed-in user.', schema: out.meResponse } },
  },
  // --- Orders
  {
    method: 'post',
    path: '/api/orders',
    tag: 'Orders',
    summary: 'Place an order',
    access: 'orders:write',
    headers: commandHeaders,
    body: { schema: placeOrderSchema, required: true },
    responses: { 201: { description: 'Placed.', schema: out.commandResult } },
    errors: ['CONFLICT', 'RULE_VIOLATION'],
  },
  {
    method: 'get',
    path: '/api/orders',
    tag: 'Orders',
    summary: 'List orders, newest first (the orders projection)',
    access: 'read',
    query: listOrdersQuerySchema,
    responses: { 200: { description: 'One page of orders.', schema: out.ordersPageResponse } },
  },
  {
    method: 'get',
    path: '/api/orders/{id}',
    tag: 'Orders',
    summary: 'One order, as the orders projection has it',
    access: 'read',
    pathParams: orderParams,
    responses: { 200: { description: 'The order; its version as ETag.', schema: out.orderSummarySchema } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/orders/{id}/events',
    tag: 'Orders',
    summary: "The order's events, upcast to their current shapes",
    access: 'read',
    pathParams: orderParams,
    responses: { 200: { description: 'Its stream, in version order.', schema: out.orderEventsResponse } },
    errors: ['NOT_FOUND'],
  },
  command('/api/orders/{id}/ship', 'Ship an order', shipOrderSchema, { required: false }),
  command('/api/orders/{id}/cancel', 'Cancel an order', cancelOrderSchema),
  command('/api/orders/{id}/shipping-address', 'Change the shipping address', changeShippingAddressSchema),
  command('/api/orders/{id}/adjust', 'Adjust the price with a compensating event', adjustOrderPriceSchema, {
    access: 'orders:adjust',
  }),
  // --- Audit
  {
    method: 'get',
    path: '/api/orders/{id}/audit',
    tag: 'Audit',
    summary: "The order's audit timeline (JSON export)",
    access: 'read',
    pathParams: orderParams,
    responses: {
      200: { description: 'Every event with who, what changed and the state after.', schema: out.auditResponse },
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/orders/{id}/audit.csv',
    tag: 'Audit',
    summary: "The order's audit timeline as CSV",
    access: 'read',
    pathParams: orderParams,
    responses: {
      200: { description: 'RFC 4180, formula cells neutralised.', content: { type: 'text/csv', description: 'CSV' } },
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/orders/{id}/state',
    tag: 'Audit',
    summary: 'The order as of a version or a moment, replayed from its events',
    access: 'read',
    pathParams: orderParams,
    query: orderStateQuerySchema,
    responses: { 200: { description: 'The replayed state.', schema: out.orderStateResponse } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/orders/{id}/verify',
    tag: 'Audit',
    summary: "Check the order's hash chain",
    access: 'read',
    pathParams: orderParams,
    responses: { 200: { description: 'Intact, or the first altered version.', schema: out.verifyResponse } },
    errors: ['NOT_FOUND'],
  },
  // --- Reference data and read models
  {
    method: 'get',
    path: '/api/catalog',
    tag: 'Reference data',
    summary: 'The products that may be ordered',
    access: 'read',
    responses: { 200: { description: 'Every product.', schema: out.catalogResponse } },
  },
  {
    method: 'get',
    path: '/api/customers',
    tag: 'Reference data',
    summary: 'The customers who may order',
    access: 'read',
    responses: { 200: { description: 'Every customer.', schema: out.customersResponse } },
  },
  {
    method: 'get',
    path: '/api/customers/{id}/stats',
    tag: 'Read models',
    summary: "One customer's totals",
    access: 'read',
    pathParams: z.object({ id: z.uuid().describe('The customer id.') }),
    responses: {
      200: { description: 'Their totals (zeros before a first order).', schema: out.customerStatsResponse },
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/stats/customers',
    tag: 'Read models',
    summary: 'Customers with their totals, live or as of a moment (?at=)',
    access: 'read',
    query: customerStatsQuerySchema,
    responses: { 200: { description: 'One page.', schema: out.customerStatsPageResponse } },
  },
  {
    method: 'get',
    path: '/api/stats/metrics',
    tag: 'Read models',
    summary: "The dashboard's order metrics by minute (`?at=`: as they were then, from the log)",
    access: 'read',
    query: metricsQuerySchema,
    responses: { 200: { description: 'Per-minute figures and totals.', schema: out.metricsResponse } },
  },
  // --- Event log
  {
    method: 'get',
    path: '/api/events',
    tag: 'Event feed',
    summary: 'The event log in gap-safe global order, page by page',
    description:
      'Follow `next` page after page: no event is skipped or repeated, however transactions commit. ' +
      'Events are upcast to their current shapes. Per user and web process: LEDGERLINE_FEED_REQUESTS_PER_MINUTE.',
    access: 'read',
    query: feedQuerySchema,
    responses: {
      200: { description: 'Up to `limit` events and the position to ask after.', schema: out.feedPageResponse },
    },
    errors: ['RATE_LIMITED'],
  },
  {
    method: 'get',
    path: '/api/events/stream',
    tag: 'Event feed',
    summary: 'The event log live, as Server-Sent Events',
    description:
      'One message per event: `id:` its position, `data:` the event as in GET /api/events. Reconnecting with ' +
      'Last-Event-ID resumes after that event. `: heartbeat` comments keep idle connections open; the server ' +
      'ends a stream after LEDGERLINE_FEED_STREAM_MAX_MS and at shutdown (reconnect). ' +
      'At most LEDGERLINE_FEED_STREAMS_PER_USER open streams per user and web process.',
    access: 'read',
    query: feedStreamQuerySchema,
    headers: {
      'Last-Event-ID': {
        schema: z.string().regex(/^\d+:\d+$/),
        description: 'The id of the last message received; wins over ?after=.',
      },
    },
    responses: {
      200: {
        description: 'The stream.',
        content: { type: 'text/event-stream', description: 'SSE messages; each `data:` is an event of the feed.' },
      },
    },
    errors: ['RATE_LIMITED'],
  },
  {
    method: 'get',
    path: '/api/events/recent',
    tag: 'Event feed',
    summary: 'The newest order events, for the dashboard',
    access: 'read',
    query: recentEventsQuerySchema,
    responses: { 200: { description: 'Newest first.', schema: out.recentEventsResponse } },
  },
  {
    method: 'get',
    path: '/api/events/{position}/proof',
    tag: 'Ledger',
    summary: "An event's inclusion proof in a signed head (RFC 9162)",
    access: 'read',
    pathParams: z.object({
      position: z.string().describe('`<transactionId>:<globalPosition>`, or the global position alone.'),
    }),
    query: proofQuerySchema,
    responses: { 200: { description: 'The proof.', schema: out.inclusionProofResponse } },
    errors: ['NOT_FOUND'],
  },
  // --- Ledger
  {
    method: 'get',
    path: '/api/ledger/heads',
    tag: 'Ledger',
    summary: 'Signed tree heads, oldest first',
    access: 'read',
    query: headsQuerySchema,
    responses: { 200: { description: 'One page of heads.', schema: out.headsResponse } },
  },
  {
    method: 'get',
    path: '/api/ledger/heads/latest',
    tag: 'Ledger',
    summary: 'The newest signed tree head',
    access: 'read',
    responses: { 200: { description: 'The head.', schema: out.headResponse } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/ledger/consistency',
    tag: 'Ledger',
    summary: 'A consistency proof between two signed heads (RFC 9162)',
    access: 'read',
    query: consistencyQuerySchema,
    responses: { 200: { description: 'The proof.', schema: out.consistencyProofResponse } },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/ledger/public-key',
    tag: 'Ledger',
    summary: 'The public key that checks the heads',
    description: 'Public. `Accept: application/x-pem-file` gives the PEM file itself.',
    access: 'public',
    query: publicKeyQuerySchema,
    responses: {
      200: {
        description: 'The key.',
        schema: out.publicKeyResponse,
        content: { type: 'application/x-pem-file', description: 'The PEM file (with Accept: application/x-pem-file).' },
      },
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/api/ledger/status',
    tag: 'Ledger',
    summary: 'The newest head and how far it trails the log',
    access: 'read',
    responses: { 200: { description: 'Ledger status.', schema: out.ledgerStatusResponse } },
  },
  // --- Projections
  {
    method: 'get',
    path: '/api/projections',
    tag: 'Projections',
    summary: 'Every projection and version: state, checkpoint, lag',
    access: 'read',
    responses: { 200: { description: 'Projection status.', schema: out.projectionsResponse } },
  },
  {
    method: 'get',
    path: '/api/operations',
    tag: 'Projections',
    summary: 'What operators did to projections, newest first',
    access: 'read',
    responses: { 200: { description: 'The operations stream.', schema: out.operationsResponse } },
  },
  {
    method: 'get',
    path: '/api/projections/{name}/compare',
    tag: 'Projections',
    summary: 'Compare two versions at one log position (the report is kept)',
    access: 'projections:operate',
    pathParams: projectionParams,
    query: compareQuerySchema,
    responses: { 200: { description: 'The comparison report.', schema: out.compareResponse } },
    errors: ['NOT_FOUND', 'RULE_VIOLATION', 'CONFLICT'],
  },
  operation(
    'post',
    '/api/projections/{name}/rebuild',
    'Rebuild a version beside the serving tables',
    rebuildInputSchema,
    out.rebuildResponse,
    {
      status: 202,
      params: projectionParams,
    },
  ),
  operation(
    'post',
    '/api/projections/{name}/rollback',
    'Serve the previous version again',
    rollbackInputSchema,
    out.rollbackResponse,
    {
      required: true,
      params: projectionParams,
    },
  ),
  operation(
    'post',
    '/api/projections/{name}/versions/{version}/switch',
    'Serve this version',
    switchInputSchema,
    out.switchResponse,
  ),
  operation(
    'post',
    '/api/projections/{name}/versions/{version}/retry',
    'Retry a failing version now',
    retryInputSchema,
    out.retryResponse,
  ),
  operation(
    'post',
    '/api/projections/{name}/versions/{version}/skip',
    'Skip the one event a version fails on (kept as a dead letter)',
    skipInputSchema,
    out.skipResponse,
    { required: true },
  ),
  operation(
    'delete',
    '/api/projections/{name}/versions/{version}',
    'Retire a version: its tables are dropped, its history kept',
    retireInputSchema,
    out.retireResponse,
  ),
  // --- Operations
  {
    method: 'get',
    path: '/api/health',
    tag: 'Operations',
    summary: 'Whether the database answers',
    access: 'public',
    responses: {
      200: { description: 'Up.', schema: out.healthResponse },
      503: { description: 'The database does not answer (Retry-After).', schema: out.healthResponse },
    },
  },
  {
    method: 'get',
    path: '/api/health/live',
    tag: 'Operations',
    summary: 'Liveness: the process answers',
    description: 'Checks nothing else, so an orchestrator never restarts a process because its database is away.',
    access: 'public',
    responses: { 200: { description: 'Live.', schema: out.liveResponse } },
  },
  {
    method: 'get',
    path: '/api/health/ready',
    tag: 'Operations',
    summary: 'Readiness: database, migrations and, where this process runs it, the projection worker',
    access: 'public',
    responses: {
      200: { description: 'Ready.', schema: out.readinessResponse },
      503: {
        description: 'Not ready: `failed` names the checks, each with its `error`.',
        schema: out.readinessResponse,
      },
    },
  },
  {
    method: 'get',
    path: '/api/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description: 'For operators, or a scraper presenting `LEDGERLINE_METRICS_TOKEN` as its bearer token.',
    access: 'metrics:read',
    responses: {
      200: {
        description: "Prometheus's text exposition format.",
        content: { type: 'text/plain', description: 'Prometheus text format 0.0.4' },
      },
    },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'Operations',
    summary: 'This document',
    description: 'Public: it describes the API, not its data.',
    access: 'public',
    responses: { 200: { description: 'OpenAPI 3.1.', schema: z.looseObject({ openapi: z.string() }) } },
  },
];
