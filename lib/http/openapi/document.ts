import 'server-only';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../auth/session-cookie';
import { HTTP_STATUS, type AppErrorCode } from '../../errors';
import { MAX_BODY_BYTES } from '../read-json';
import { API_ROUTES, type ApiRoute } from './routes';
import { errorBodySchema } from './schemas';

// The OpenAPI 3.1 document, built from routes.ts: parameters and bodies from
// the zod schemas the routes validate with (their input side), responses from
// schemas.ts (their output side), and each route's errors as our error body
// with the codes it can answer. JSON Schema 2020-12 is OpenAPI 3.1's own
// dialect, which is what z.toJSONSchema writes.

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  // Each schema sits inside the document, whose dialect is already 2020-12.
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** What every route of its kind can answer besides its use case's own errors. */
function errorCodes(route: ApiRoute): AppErrorCode[] {
  const codes = new Set<AppErrorCode>(route.errors ?? []);
  if (route.access !== 'public') {
    codes.add('UNAUTHENTICATED');
    // Any role may read; writes are refused to other roles, and to another origin's page signed in by cookie.
    if (route.access !== 'read' || route.method !== 'get') codes.add('FORBIDDEN');
  }
  if (route.query || route.headers || route.body) codes.add('VALIDATION');
  if (route.body) {
    codes.add('PAYLOAD_TOO_LARGE');
    if (route.access !== 'public') codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  // /api/health answers its own 503 and never reads anything else that could fail.
  if (route.path !== '/api/health') {
    codes.add('INTERNAL');
    codes.add('UNAVAILABLE');
  }
  return [...codes];
}

function errorResponses(route: ApiRoute) {
  const byStatus = new Map<number, AppErrorCode[]>();
  for (const code of errorCodes(route))
    byStatus.set(HTTP_STATUS[code], [...(byStatus.get(HTTP_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      status,
      {
        description: codes.join(' or '),
        ...(status === 401 && { headers: { 'WWW-Authenticate': { schema: { type: 'string' } } } }),
        ...((status === 429 || status === 503) && {
          headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
        }),
        content: {
          'application/json': {
            // The error body, with only the codes this route answers at this status.
            schema: { allOf: [ERROR_REF, { properties: { error: { properties: { code: { enum: codes } } } } }] },
          },
        },
      },
    ]),
  );
}

function parameters(route: ApiRoute) {
  const list: JsonSchema[] = [];
  const fromObject = (schema: z.ZodType, where: 'path' | 'query') => {
    const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property;
      const required = where === 'path' || (json.required ?? []).includes(name);
      list.push({ name, in: where, required, ...(description ? { description } : {}), schema: rest });
    }
  };
  if (route.pathParams) fromObject(route.pathParams, 'path');
  if (route.query) fromObject(route.query, 'query');
  for (const [name, header] of Object.entries(route.headers ?? {})) {
    list.push({
      name,
      in: 'header',
      required: false,
      description: header.description,
      schema: toSchema(header.schema, 'input'),
    });
  }
  return list;
}

function operation(route: ApiRoute) {
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const content = {
      ...(spec.schema && { 'application/json': { schema: toSchema(spec.schema, 'output') } }),
      ...(spec.content && {
        [spec.content.type]: { schema: { type: 'string', description: spec.content.description } },
      }),
    };
    responses[status] = { description: spec.description, ...(Object.keys(content).length && { content }) };
  }
  Object.assign(responses, errorResponses(route));
  return {
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    ...(route.description && { description: route.description }),
    // Public routes need no credentials; the rest take a bearer token or the browser's session cookie.
    security: route.access === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
    ...(route.access !== 'public' && { 'x-permission': route.access }),
    parameters: parameters(route),
    ...(route.body && {
      requestBody: {
        required: route.body.required,
        description: `JSON, at most ${MAX_BODY_BYTES} bytes.`,
        content: { 'application/json': { schema: toSchema(route.body.schema, 'input') } },
      },
    }),
    responses,
  };
}

/** `get /api/orders/{id}/audit.csv` → `getOrdersIdAuditCsv`. */
function operationId(route: ApiRoute) {
  const words = route.path
    .replace(/^\/api\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return route.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

let built: JsonSchema | undefined;

/** The document (built once per process: it depends on nothing but the code). */
export function openApiDocument(): JsonSchema {
  if (built) return built;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  built = {
    openapi: '3.1.1',
    info: {
      title: 'Ledgerline API',
      version: '1',
      description:
        'CQRS with event sourcing for auditable order pipelines. Authenticate with `Authorization: Bearer <token>` ' +
        '(POST /api/auth/token) or the session cookie of a signed-in browser. Errors are always ' +
        '`{ "error": { "code", "message", … } }`.',
    },
    tags: [...new Set(API_ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: toSchema(errorBodySchema, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/auth/token.' },
        cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: "A signed-in browser's session." },
      },
    },
  };
  return built;
}
