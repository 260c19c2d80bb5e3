// Live push for one web process. Web nodes and projection workers meet only in
// PostgreSQL: each node LISTENs on the channel the workers NOTIFY after every
// committed batch and forwards to its own sockets, so any number of nodes and
// workers cooperate with no broker and no Socket.IO adapter between nodes.
// (No `import 'server-only'`: server.ts loads this under plain Node, where that
// package throws; nothing in the browser imports this file.)
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import pg from 'pg';
import { Server, type Socket } from 'socket.io';
import { authenticateHandshake } from '../auth/socket';
import { verifyToken } from '../auth/tokens';
import { PROJECTIONS_CHANNEL } from '../projections/worker';
import { startListener } from './listener';
import { MAX_ROOMS_PER_SOCKET, normalizeRoom, targetsOf, toProjectionMessage } from './rooms';

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
  // every check in that time), so one connection is plenty.
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

  const listener = startListener({
    connectionString: options.connectionString,
    channel: PROJECTIONS_CHANNEL,
    applicationName: options.applicationName ?? 'ledgerline-live',
    log,
    onPayload: (payload) => forward(io, payload, log),
    // Batches committed while this node was not listening were never pushed:
    // every client refetches what it shows. (Harmless on the first LISTEN.)
    onListening: () => void io.emit('resync'),
  });

  return {
    io,
    close: async () => {
      closing = true;
      clearInterval(sweep);
      await listener.close();
      // Closes every client connection but not the HTTP server, which belongs
      // to the caller. Browsers see a transport close and reconnect: to
      // another node, or to this one once it is back.
      io.engine.close();
      await pool.end();
    },
  };
}

/** One JSON.parse and one broadcast per batch; Socket.IO encodes it once for all sockets and sends each socket one copy. */
function forward(io: Server, payload: string, log: (line: string) => void) {
  let message;
  try {
    message = toProjectionMessage(JSON.parse(payload));
  } catch {
    message = null;
  }
  if (!message) {
    log(`ignored a notification that is not a projection batch: ${payload.slice(0, 200)}`);
    return;
  }
  const { rooms, everyRoomStartingWith: prefix } = targetsOf(message);
  if (prefix) {
    // Too many keys for a NOTIFY: every row room of that view may be concerned. Rare, so a scan is fine.
    for (const room of io.of('/').adapter.rooms.keys()) if (room.startsWith(prefix)) rooms.push(room);
  }
  io.to(rooms).emit('projection', message);
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
