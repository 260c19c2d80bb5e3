// npm run projections -- status
// npm run projections -- rebuild <name> [version] [--reason …]
// npm run projections -- compare <name> <a> <b>
// npm run projections -- switch <name> <version> [--override] [--reason …]
// npm run projections -- rollback <name> <reason…>
// npm run projections -- retire <name> <version> [reason…]
// npm run projections -- retry <name> <version> [reason…]
// npm run projections -- skip <name> <version> <position> <reason…>
// Exit status: 0 done, 1 refused (the message says why: 404, 409), 2 bad usage or input.
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
import { PROJECTIONS } from '../lib/read-models';
import {
  compareQuerySchema,
  findProjection,
  rebuildInputSchema,
  requestRetry,
  retireInputSchema,
  retryInputSchema,
  rollbackInputSchema,
  skipFailingEvent,
  skipInputSchema,
  switchInputSchema,
} from '../lib/projections/operations';
import { listProjections } from '../lib/projections/status';
import {
  compareProjection,
  rebuildProjection,
  retireProjectionVersion,
  rollBackProjection,
  switchProjection,
} from '../lib/projections/use-cases';

const [command, ...argv] = process.argv.slice(2);
const USAGE = `Usage: npm run projections -- <command>
  status
  rebuild <name> [version] [--reason <text>]
  compare <name> <a> <b>
  switch <name> <version> [--override] [--reason <text>]
  rollback <name> <reason>
  retire <name> <version> [reason]
  retry <name> <version> [reason]
  skip <name> <version> <position> <reason>`;

/** `--reason <text…>` (the rest of the line) and `--override` out of the arguments. */
function options(list: string[]) {
  const at = list.indexOf('--reason');
  const reason = at >= 0 ? list.slice(at + 1).join(' ') : undefined;
  const rest = (at >= 0 ? list.slice(0, at) : list).filter((a) => a !== '--override');
  return {
    rest,
    reason: reason || undefined,
    override: list.slice(0, at >= 0 ? at : undefined).includes('--override'),
  };
}
const { rest: args, reason: reasonOption, override } = options(argv);

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
      (await listProjections(pool, PROJECTIONS)).flatMap((p) =>
        p.versions.map((v) => ({
          projection: `${p.name} v${v.version}`,
          state: v.state,
          status: v.status,
          position: v.position,
          behind: v.lagEvents,
          rebuild: v.rebuild ? `${Math.floor(v.rebuild.progress * 100)} % (${v.rebuild.eventsPerSecond} ev/s)` : '',
          'fails on': v.failingEvent
            ? `${v.failingEvent.eventType} ${v.failingEvent.streamId} @ ${v.failingEvent.position}`
            : '',
          error: v.lastError ?? '',
        })),
      ),
    );
  } else if (command === 'rebuild' && args.length >= 1) {
    const [projection, version] = args;
    const input = rebuildInputSchema.parse({ version, reason: reasonOption });
    const { operationId, version: rebuilt } = await rebuildProjection(services, projection!, input, actor);
    console.log(`Rebuilding ${projection} v${rebuilt} beside its tables (${operationId}); the worker does the rest.`);
  } else if (command === 'compare' && args.length === 3) {
    const [projection, a, b] = args;
    const report = await compareProjection(services, projection!, compareQuerySchema.parse({ a, b }), actor);
    console.log(
      `${report.passed ? 'PASSED' : 'FAILED'}: ${projection} v${report.a} and v${report.b} at ${report.position}`,
    );
    console.table(
      report.views.map((v) => ({
        view: v.view,
        'only in a': v.onlyInA,
        'only in b': v.onlyInB,
        differing: v.differing,
      })),
    );
    if (!report.passed) process.exitCode = 1;
  } else if (command === 'switch' && args.length === 2) {
    const [projection, version] = args;
    const input = switchInputSchema.parse({ reason: reasonOption, override: override || undefined });
    await switchProjection(services, findProjection(projection!, Number(version)), input, actor);
    console.log(`${projection} v${version} serves now.`);
  } else if (command === 'rollback' && args.length >= 2) {
    const [projection, ...reason] = args;
    const { serving } = await rollBackProjection(
      services,
      projection!,
      rollbackInputSchema.parse({ reason: reason.join(' ') }),
      actor,
    );
    console.log(`${projection} v${serving.version} serves again (v${serving.previousVersion} kept for a rollback).`);
  } else if (command === 'retire' && args.length >= 2) {
    const [projection, version, ...reason] = args;
    const input = retireInputSchema.parse({ reason: reason.length ? reason.join(' ') : undefined });
    await retireProjectionVersion(services, findProjection(projection!, Number(version)), input, actor);
    console.log(`${projection} v${version} is retired: its tables are dropped, its history kept.`);
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
