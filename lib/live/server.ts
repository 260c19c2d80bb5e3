// Live push for one web process. Web nodes and projection workers meet only in
// PostgreSQL: each node LISTENs on the channel the workers NOTIFY after every
// committed batch and forwards to its own sockets, so any number of nodes and
// workers cooperate with no broker and no Socket.IO adapter between nodes.
// Views follow the serving version (projection_serving): a batch of another
// version (one building beside it) reaches only the 'projections' room, and a
// switch (a NOTIFY on SERVING_CHANNEL) makes every open view refetch.
// (No `import 'server-only'`: server.ts loads this under plain Node, where that
// package throws; nothing in the browser imports this file.)
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import pg from 'pg';
import { Server, type Socket } from 'socket.io';
import { authenticateHandshake } from '../auth/socket';
import { verifyToken } from '../auth/tokens';
import { formatPosition } from '../event-store/position';
import { PROJECTIONS_CHANNEL } from '../projections/channels';
import { forgetServing, servingPointers, SERVING_CHANNEL, type Serving } from '../projections/serving';
import { startListener } from './listener';
import { loggerFor } from '../observability/logger';
import { processMetrics, watchSockets } from '../observability/metrics';
import {
  MAX_ROOMS_PER_SOCKET,
  normalizeRoom,
  targetsOf,
  toProjectionMessage,
  viewOf,
  type ProjectionMessage,
} from './rooms';

export type LiveOptions = {
  connectionString: string;
  log?: (line: string) => void;
  /** Names this node's LISTEN connection in pg_stat_activity. */
  applicationName?: string;
  /** How often open sockets are checked against their sessions (a sign-out elsewhere closes them). */
  sessionCheckMs?: number;
};

export type Live = { io: Server; close: () => Promise<void> };

/** Acknowledgement of 'subscribe': the rooms joined, in canonical spelling, and how many entries were refused. */
export type SubscribeAck = { joined: string[]; rejected: number };

export function attachLive(httpServer: HttpServer, options: LiveOptions): Live {
  const log = options.log ?? (() => {});
  let closing = false;
  // For session checks: the signing key (loaded once per process) and the
  // sessions rows (one lookup per session per SESSION_CHECK_TTL_MS, shared by
  // every check in that time), and for the serving pointers (read at most
  // once per SERVING_TTL_MS), so one connection is plenty.
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: 1,
    idleTimeoutMillis: 10_000,
    application_name: `${options.applicationName ?? 'ledgerline-live'}-auth`,
  });
  pool.on('error', (error) => log(`auth pool: ${error.message}`));
  const io = new Server(httpServer, {
    path: '/socket.io',
    // The browser client comes from the app's bundle.
    serveClient: false,
    // Clients only ever send short room lists.
    maxHttpBufferSize: 16 * 1024,
    // Socket.IO's default, stated because the push path depends on it: each
    // batch is encoded, and framed for WebSocket, once for all sockets; with
    // per-message compression every socket would compress its own copy.
    perMessageDeflate: false,
    allowRequest: (req, callback) => callback(null, !closing && sameOrigin(req)),
  });

  // Every connection carries a session (the browser's cookie, or a script's
  // bearer token): a refused one gets connect_error with the reason, and
  // Socket.IO does not retry it. Any signed-in role may watch every view.
  io.use((socket, next) => {
    authenticateHandshake(pool, socket.handshake).then(
      (session) => {
        if (!session) return next(new Error('UNAUTHENTICATED'));
        socket.data.user = session.user;
        socket.data.token = session.token;
        next();
      },
      (error: unknown) => {
        log(`handshake check failed: ${error instanceof Error ? error.message : String(error)}`);
        next(new Error('UNAVAILABLE'));
      },
    );
  });

  io.on('connection', (socket) => {
    socket.on('subscribe', (rooms: unknown, ack: unknown) => {
      const result = join(socket, rooms);
      if (typeof ack === 'function') ack(result);
    });
    socket.on('unsubscribe', (rooms: unknown) => {
      for (const value of entries(rooms)) {
        const room = normalizeRoom(value);
        if (room) void socket.leave(room);
      }
    });
  });

  // A session can end while its socket is open (signed out in another tab,
  // revoked, user deleted): such sockets are told and closed. Tokens are
  // checked through verifyToken's per-session cache, so a sweep costs at
  // most one query per session.
  const sweep = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      const token = socket.data.token as string | undefined;
      if (!token) continue;
      verifyToken(pool, token).then(
        (user) => {
          if (user) return;
          socket.emit('session-ended');
          socket.disconnect(true);
        },
        () => {}, // the database did not answer: check again next time
      );
    }
  }, options.sessionCheckMs ?? 30_000);
  sweep.unref();

  const unwatchSockets = watchSockets(() => io.engine.clientsCount);
  const push = createPush(io, pool, log);
  const listener = startListener({
    connectionString: options.connectionString,
    channel: [PROJECTIONS_CHANNEL, SERVING_CHANNEL],
    applicationName: options.applicationName ?? 'ledgerline-live',
    log,
    onPayload: (payload, channel) => (channel === SERVING_CHANNEL ? push.switched(payload) : push.batch(payload)),
    // Batches committed while this node was not listening were never pushed,
    // and a switch may have gone unheard: every client refetches what it
    // shows. (Harmless on the first LISTEN.)
    onListening: () => {
      forgetServing();
      io.emit('resync');
    },
  });

  return {
    io,
    close: async () => {
      closing = true;
      clearInterval(sweep);
      unwatchSockets();
      await listener.close();
      // Closes every client connection but not the HTTP server, which belongs
      // to the caller. Browsers see a transport close and reconnect: to
      // another node, or to this one once it is back.
      io.engine.close();
      await pool.end();
    },
  };
}

/**
 * Batches and switches, handled one at a time in the order they arrived (a
 * serving lookup may wait on the database): a switch's refetch message never
 * overtakes a batch before it, and no batch after the switch is judged by the
 * pointer before it.
 */
function createPush(io: Server, pool: pg.Pool, log: (line: string) => void) {
  let queue = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((error: unknown) => log(`live push: ${(error as Error).message}`));
  };
  // What the pointers were when last read: used while the database does not answer.
  let lastKnown = new Map<string, Serving>();
  const pointers = async () => {
    try {
      lastKnown = await servingPointers(pool);
    } catch (error) {
      log(`serving pointers unreadable, using the last known: ${(error as Error).message}`);
    }
    return lastKnown;
  };

  return {
    /** One JSON.parse and one broadcast per batch. */
    batch(payload: string) {
      let message;
      let raw: { correlationIds?: unknown; recordedAt?: unknown } = {};
      try {
        raw = JSON.parse(payload) as typeof raw;
        message = toProjectionMessage(raw);
      } catch {
        message = null;
      }
      if (!message) {
        log(`ignored a notification that is not a projection batch: ${payload.slice(0, 200)}`);
        return;
      }
      const batch = message;
      enqueue(async () => {
        // A version with no pointer (not a read model's) serves nothing, nor does a rebuild's batch.
        const serving = batch.slot !== 'rebuild' && (await pointers()).get(batch.projection)?.version === batch.version;
        const rooms = emit(io, { ...batch, serving });
        announced(batch, rooms, raw);
      });
    },
    /** `name`'s serving version changed: forget the pointer, and have its views refetch from the new version. */
    switched(name: string) {
      forgetServing(name);
      enqueue(async () => {
        if (!viewOf(name)) return;
        const { rows } = await pool.query<{ version: number; transaction_id: string; global_position: string }>(
          `SELECT s.version, coalesce(c.transaction_id, 0)::text AS transaction_id,
                  coalesce(c.global_position, 0)::text AS global_position
             FROM projection_serving s
             LEFT JOIN projection_checkpoints c ON c.name = s.name AND c.version = s.version AND c.slot = 'main'
            WHERE s.name = $1`,
          [name],
        );
        const row = rows[0];
        if (!row) return;
        const checkpoint = formatPosition({
          transactionId: BigInt(row.transaction_id),
          globalPosition: BigInt(row.global_position),
        });
        // keys null: every row of the view may differ in the new version.
        emit(io, { projection: name, version: row.version, checkpoint, keys: null, serving: true });
      });
    },
  };
}

const pushLog = loggerFor('live');

/**
 * A batch's push went out: its latency (from the oldest event's recording,
 * which the worker sends along) and a log line naming the correlation ids of
 * the requests whose events it announces.
 */
function announced(batch: ProjectionMessage, rooms: number, raw: { correlationIds?: unknown; recordedAt?: unknown }) {
  const metrics = processMetrics();
  metrics.pushes.inc({ projection: batch.projection });
  // A rebuild replays old events: their age says nothing about the push.
  const recordedAt = typeof raw.recordedAt === 'number' && batch.slot !== 'rebuild' ? raw.recordedAt : null;
  const latencyMs = recordedAt === null ? null : Math.max(0, Date.now() - recordedAt);
  if (latencyMs !== null) metrics.pushLatency.observe({ projection: batch.projection }, latencyMs / 1000);
  const correlationIds = Array.isArray(raw.correlationIds)
    ? raw.correlationIds.filter((id): id is string => typeof id === 'string').slice(0, 20)
    : [];
  pushLog.info(
    {
      projection: batch.projection,
      version: batch.version,
      checkpoint: batch.checkpoint,
      rooms,
      correlationIds,
      latencyMs,
    },
    'push emitted',
  );
}

/** Socket.IO encodes the message once for all sockets and sends each socket one copy. Returns how many rooms. */
function emit(io: Server, message: ProjectionMessage): number {
  const { rooms, everyRoomStartingWith: prefix } = targetsOf(message);
  if (prefix) {
    // Keys left out: every row room of that view may be concerned. Rare, so a scan is fine.
    for (const room of io.of('/').adapter.rooms.keys()) if (room.startsWith(prefix)) rooms.push(room);
  }
  io.to(rooms).emit('projection', message);
  return rooms.length;
}

function join(socket: Socket, rooms: unknown): SubscribeAck {
  const list = entries(rooms);
  const joined: string[] = [];
  let rejected = Array.isArray(rooms) ? rooms.length - list.length : 0;
  for (const value of list) {
    const room = normalizeRoom(value);
    // socket.rooms also holds the socket's own id.
    if (!room || (!socket.rooms.has(room) && socket.rooms.size > MAX_ROOMS_PER_SOCKET)) {
      rejected++;
      continue;
    }
    void socket.join(room);
    joined.push(room);
  }
  return { joined, rejected };
}

/** At most MAX_ROOMS_PER_SOCKET entries of whatever was sent: a huge array must not cost a loop over it. */
function entries(rooms: unknown): unknown[] {
  return Array.isArray(rooms) ? rooms.slice(0, MAX_ROOMS_PER_SOCKET) : [rooms];
}

/**
 * Browsers send Origin on WebSocket handshakes and the same-origin policy does
 * not apply to them: without this check any web page could subscribe a
 * visitor's browser and read which orders change. Non-browser clients send no
 * Origin. Behind a proxy that rewrites Host, X-Forwarded-Host tells the host.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  const forwarded = req.headers['x-forwarded-host'];
  const host = (typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : undefined) ?? req.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
