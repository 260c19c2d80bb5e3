// Fetchers for the JSON API, for Client Components. Reads go through these
// (GET routes run in parallel and can be cancelled). Order commands are
// server actions; sendJson is for the JSON API's other writes (the
// projections page's operator actions).
import type { CatalogProduct } from '@/components/orders/order-lines-editor';
import type { CustomerOption } from '@/components/orders/customer-picker';
import type { ProjectionStatus } from '@/lib/projections/status';
import { reportSessionEnded } from './session-state';

/** A failed API call, with the code, message and (for VALIDATION) fields of the API's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** VALIDATION: parameter → what is wrong with it. */
    readonly fields: Readonly<Record<string, string>> = {},
    /** RULE_VIOLATION: which rule refused it (e.g. COMPARISON_FAILED). */
    readonly rule?: string,
    /** The whole error body, for refusals that carry more than the error (a switch's comparison). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type ErrorBody = { error?: { code?: string; message?: string; fields?: Record<string, string>; rule?: string } };

async function toApiError(res: Response): Promise<ApiError> {
  // The session ended since the page loaded: say so (and offer to sign in) instead of a bare failure.
  if (res.status === 401) reportSessionEnded();
  const body = (await res.json().catch(() => null)) as ErrorBody | null;
  return new ApiError(
    res.status,
    body?.error?.code ?? 'HTTP',
    body?.error?.message ?? `Request failed (${res.status}).`,
    body?.error?.fields,
    body?.error?.rule,
    body ?? undefined,
  );
}

/** GET a JSON route; a non-2xx answer throws ApiError. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}

/**
 * A JSON write from our own page: the browser sends its Origin, which the
 * API's CSRF check asks for (lib/http/same-origin.ts). A non-2xx answer
 * throws ApiError; a failed call throws the fetch's own error.
 */
export async function sendJson<T>(method: 'POST' | 'DELETE', path: string, body: unknown): Promise<T> {
  // Refused here rather than left to a failed fetch: nothing was sent, and the message says why.
  if (typeof navigator !== 'undefined' && !navigator.onLine) {
    throw new ApiError(0, 'OFFLINE', OFFLINE_MESSAGE);
  }
  const res = await fetch(path, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
    cache: 'no-store',
  });
  if (!res.ok) throw await toApiError(res);
  return (await res.json().catch(() => ({}))) as T;
}

export const OFFLINE_MESSAGE = 'You are offline: nothing was sent. Try again when the connection is back.';

/** For `retry`: a 4xx says the request itself is wrong, so asking again gives the same answer. */
export const retryServerErrors = (failures: number, error: Error) =>
  !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 1;

export async function fetchCustomers(signal?: AbortSignal): Promise<CustomerOption[]> {
  return (await getJson<{ customers: CustomerOption[] }>('/api/customers', signal)).customers;
}

export async function fetchCatalog(signal?: AbortSignal): Promise<CatalogProduct[]> {
  return (await getJson<{ products: CatalogProduct[] }>('/api/catalog', signal)).products;
}

export async function fetchProjections(signal?: AbortSignal): Promise<ProjectionStatus[]> {
  return (await getJson<{ projections: ProjectionStatus[] }>('/api/projections', signal)).projections;
}
