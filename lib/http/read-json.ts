import 'server-only';
import { AppError, validationError } from '../errors';

/** Larger bodies are refused before they are parsed; no command needs anywhere near this. */
export const MAX_BODY_BYTES = 64 * 1024;

export type JsonBody = Record<string, unknown>;

const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `The request body must be at most ${MAX_BODY_BYTES} bytes.`);
const badBody = (message: string) => validationError({ _: message }, message);

/**
 * The body as a JSON object. `optional` turns an empty body into `{}` for
 * commands that carry no input. Only the object's shape is checked here; the
 * command's schema checks the rest.
 */
export async function readJsonObject(req: Request, options: { optional?: boolean } = {}): Promise<JsonBody> {
  // A declared size refuses the body before any of it is read; the capped read
  // below covers what the header does not (chunked bodies, a header that lies).
  const declared = req.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > MAX_BODY_BYTES) throw tooLarge();

  const bytes = await readCapped(req.body, MAX_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badBody('The request body is not valid UTF-8.');
  }
  if (text.trim() === '') {
    if (options.optional) return {};
    throw badBody('A JSON object body is required.');
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badBody('The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badBody('The request body must be a JSON object.');
  }
  assertStorableText(value);
  return value as JsonBody;
}

async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Stop the sender instead of draining what is left of an oversized body.
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

// PostgreSQL text and jsonb cannot hold U+0000 or half of a surrogate pair, so
// such strings would fail deep in a query as a 500; refuse them as bad input.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Visit = { value: unknown; key: string; parent: Visit | null };

/**
 * Iterative, because a 64 KB body can nest deep enough to overflow the stack;
 * each node links to its parent so the path is only built for the error.
 */
function assertStorableText(root: object) {
  const pending: Visit[] = [{ value: root, key: '', parent: null }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { value } = node;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) throw unstorable(node);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        const visit = { value: child, key, parent: node };
        if (UNSTORABLE.test(key)) throw unstorable(visit);
        pending.push(visit);
      }
    }
  }
}

function unstorable(node: Visit) {
  const path: string[] = [];
  for (let at: Visit | null = node; at?.parent; at = at.parent) path.push(at.key);
  path.reverse();
  const message = 'Text must not contain NUL characters or unpaired surrogates.';
  return validationError({ [path.length ? path.join('.') : '_']: message }, message);
}
