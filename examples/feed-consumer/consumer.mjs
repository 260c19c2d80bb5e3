#!/usr/bin/env node
// A small consumer of Ledgerline's event feed, the way another system (a
// search index, a warehouse, a cache) would follow the log: plain Node 20, no
// dependencies, nothing from the app's code.
//
// It follows GET /api/events/stream (Server-Sent Events) and "applies" each
// event by appending one JSON line to OUTPUT, then records how far it got in
// CHECKPOINT. The effect and the checkpoint must never disagree, or a crash
// loses or repeats an event; with two files that is done like this:
//   1. append the event's line to OUTPUT and fsync it;
//   2. write { position, outputBytes } to a temporary file, fsync, rename it
//      over CHECKPOINT (a rename is atomic: the old or the new, never half);
//   3. on start, cut OUTPUT back to the checkpoint's outputBytes (dropping a
//      line written before a crash that came before step 2) and continue
//      after the checkpoint's position.
// A real consumer does the same with its own store: write the effect and the
// position in one transaction.
//
// Environment:
//   LEDGERLINE_URL      the app, e.g. http://localhost:3000 (required)
//   LEDGERLINE_TOKEN    a bearer token (POST /api/auth/token), or
//   LEDGERLINE_USER / LEDGERLINE_PASSWORD to get one (any role: the feed needs `read`)
//   OUTPUT              where applied events go, one JSON line each (default ./events.jsonl)
//   CHECKPOINT          the checkpoint file (default ./checkpoint.json)
//   FEED_MODE           stream (SSE, default) or pages (GET /api/events, polling)
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const base = process.env.LEDGERLINE_URL;
if (!base) throw new Error('Set LEDGERLINE_URL, e.g. http://localhost:3000');
const output = process.env.OUTPUT ?? 'events.jsonl';
const checkpointFile = process.env.CHECKPOINT ?? 'checkpoint.json';
const mode = process.env.FEED_MODE ?? 'stream';
const log = (line) => console.error(`[consumer] ${line}`);

// --- checkpoint and effect ---------------------------------------------------

function loadCheckpoint() {
  if (!existsSync(checkpointFile)) return { position: '0:0', outputBytes: 0 };
  return JSON.parse(readFileSync(checkpointFile, 'utf8'));
}

function saveCheckpoint(checkpoint) {
  const temporary = `${checkpointFile}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, JSON.stringify(checkpoint));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, checkpointFile);
}

let checkpoint = loadCheckpoint();
// Whatever was applied after the checkpoint was written never counted: cut it off.
if (existsSync(output)) truncateSync(output, checkpoint.outputBytes);
const out = openSync(output, 'a');

/** Applies one event, then moves the checkpoint past it. */
function apply(event) {
  const line = Buffer.from(
    JSON.stringify({ position: event.position, type: event.type, streamId: event.streamId, version: event.version }) +
      '\n',
  );
  writeSync(out, line);
  fsyncSync(out);
  checkpoint = { position: event.position, outputBytes: checkpoint.outputBytes + line.length };
  saveCheckpoint(checkpoint);
}

// --- the feed -----------------------------------------------------------------

async function token() {
  if (process.env.LEDGERLINE_TOKEN) return process.env.LEDGERLINE_TOKEN;
  const res = await fetch(new URL('/api/auth/token', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: process.env.LEDGERLINE_USER, password: process.env.LEDGERLINE_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** Follows the SSE stream; returns when it ends (the server closed it), throws when it cannot connect. */
async function followStream(bearer) {
  const res = await fetch(new URL(`/api/events/stream?after=${checkpoint.position}`, base), {
    // As EventSource does on reconnect; the server prefers it to ?after=.
    headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream', 'last-event-id': checkpoint.position },
  });
  if (!res.ok) throw new Error(`stream refused: ${res.status} ${await res.text()}`);
  log(`streaming after ${checkpoint.position}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    // Messages end with a blank line; lines starting with ':' are comments (heartbeats).
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = message
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) apply(JSON.parse(data));
    }
  }
}

/** Polls GET /api/events page by page, resuming after each page's `next`. */
async function followPages(bearer) {
  for (;;) {
    const res = await fetch(new URL(`/api/events?after=${checkpoint.position}&limit=500`, base), {
      headers: { authorization: `Bearer ${bearer}` },
    });
    if (!res.ok) throw new Error(`page refused: ${res.status} ${await res.text()}`);
    const page = await res.json();
    for (const event of page.events) apply(event);
    if (!page.more) await sleep(500);
  }
}

let bearer = await token();
for (;;) {
  try {
    await (mode === 'pages' ? followPages(bearer) : followStream(bearer));
  } catch (error) {
    log(`feed: ${error.message}`);
    // Sessions last 8 hours: sign in again when the token is refused (a given token cannot be renewed here).
    if (/refused: 401/.test(error.message) && !process.env.LEDGERLINE_TOKEN) bearer = await token().catch(() => bearer);
  }
  await sleep(1000);
}
