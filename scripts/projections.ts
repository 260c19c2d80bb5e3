// npm run projections -- status
// npm run projections -- retry <name> <version> [reason…]
// npm run projections -- skip <name> <version> <position> <reason…>
// The operators' actions for scripts and deploy pipelines: the same use cases
// as the API, recorded in the operations log with the actor given by
// LEDGERLINE_ACTOR (default: the OS user, marked as from the command line).
import os from 'node:os';
import pg from 'pg';
import { prepareDatabase } from '../lib/db/prepare';
import { resolveDatabase } from '../lib/db/resolve';
import { EVENT_SCHEMAS } from '../lib/event-schemas';
import { createEventStore } from '../lib/event-store';
import { isAppError } from '../lib/errors';
import {
  findProjection,
  requestRetry,
  retryInputSchema,
  skipFailingEvent,
  skipInputSchema,
} from '../lib/projections/operations';
import { listProjectionStatus } from '../lib/projections/status';

const [command, ...args] = process.argv.slice(2);
const USAGE =
  'Usage: npm run projections -- status | retry <name> <version> [reason] | skip <name> <version> <position> <reason>';

const name = process.env.LEDGERLINE_ACTOR ?? os.userInfo().username;
const actor = { id: `cli:${name}`, name: `${name} (command line)` };

const db = await resolveDatabase();
// The same schema the app would run on (a start applies pending migrations too).
await prepareDatabase(db.url);
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
const services = { pool, store: createEventStore(pool, { schemas: EVENT_SCHEMAS }) };
try {
  if (command === 'status') {
    console.table(
      (await listProjectionStatus(pool)).map((p) => ({
        projection: `${p.name} v${p.version}`,
        status: p.status,
        position: p.position,
        behind: p.lagEvents,
        'fails on': p.failingEvent
          ? `${p.failingEvent.eventType} ${p.failingEvent.streamId} @ ${p.failingEvent.position}`
          : '',
        error: p.lastError ?? '',
      })),
    );
  } else if (command === 'retry' && args.length >= 2) {
    const [projection, version, ...reason] = args;
    const input = retryInputSchema.parse({ reason: reason.length ? reason.join(' ') : undefined });
    await requestRetry(services, findProjection(projection!, Number(version)), input, actor);
    console.log(`Asked the worker holding ${projection} v${version} to retry now.`);
  } else if (command === 'skip' && args.length >= 4) {
    const [projection, version, position, ...reason] = args;
    const input = skipInputSchema.parse({ position, reason: reason.join(' ') });
    const { skipped } = await skipFailingEvent(services, findProjection(projection!, Number(version)), input, actor);
    console.log(`Skipped ${skipped.eventType} v${skipped.streamVersion} of ${skipped.streamId} (${skipped.position}).`);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
} catch (error) {
  // Refusals (404, 409, bad input) are answers, not crashes.
  if (isAppError(error)) {
    console.error(`${error.code}${error.details.rule ? ` ${error.details.rule}` : ''}: ${error.message}`);
    process.exitCode = 1;
  } else if (error instanceof Error && error.name === 'ZodError') {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
} finally {
  await pool.end();
  await db.stop();
}
