// Live push in the browser. Import from Client Components only (it uses
// hooks); it imports nothing of the server. One socket per tab, shared by
// every component: a socket per component would open a connection per row.
import { useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { Checkpoints } from './checkpoints';
import { onSignedInAgain, reportSessionEnded } from '../client/session-state';
import { createLiveHub, type LiveHub, type LiveMessage } from './hub';

export { hasCaughtUp, type Checkpoints } from './checkpoints';
export type { LiveMessage } from './hub';
export type { ProjectionMessage } from './rooms';

type Live = { socket: Socket; hub: LiveHub };

// On globalThis rather than in a module variable: Fast Refresh re-runs edited
// modules, and each run would otherwise open one more connection.
const globalForLive = globalThis as unknown as { ledgerlineLive?: Live };

function live(): Live {
  if (typeof window === 'undefined') throw new Error('Live push runs in the browser only (call it from an effect).');
  if (!globalForLive.ledgerlineLive) {
    const socket = io({
      path: '/socket.io',
      // WebSocket only: a single connection needs no sticky sessions, so a
      // load balancer may spread tabs over any number of web nodes. (Long
      // polling spreads one session over many requests, which must all reach
      // the node that holds it.)
      transports: ['websocket'],
    });
    // A handshake the server refused is not retried by Socket.IO. Without a
    // valid session (expired): the page offers to sign in again, in place,
    // and the socket reconnects after. When the server could not check it
    // (UNAVAILABLE: its database did not answer): try again shortly.
    socket.on('connect_error', (error) => {
      if (error.message === 'UNAVAILABLE') {
        setTimeout(() => {
          if (!socket.active) socket.connect();
        }, 2_000);
        return;
      }
      if (error.message === 'UNAUTHENTICATED') reportSessionEnded();
      setConnection('reconnecting');
    });
    // The session ended while the socket was open (signed out elsewhere, revoked).
    socket.on('session-ended', reportSessionEnded);
    onSignedInAgain(() => {
      if (!socket.active) socket.connect();
    });
    socket.on('connect', () => setConnection('connected'));
    socket.on('disconnect', () => setConnection('reconnecting'));
    globalForLive.ledgerlineLive = { socket, hub: createLiveHub(socket) };
  }
  // Closed by the server (the session ended, then the user signed in again
  // without a page load): the next view that subscribes opens it again, with
  // the new session's cookie.
  const { socket } = globalForLive.ledgerlineLive;
  if (!socket.active) socket.connect();
  return globalForLive.ledgerlineLive;
}

// The socket's state for the connection banner: 'idle' until a page opens it.
export type LiveConnection = 'idle' | 'connected' | 'reconnecting';
let connection: LiveConnection = 'idle';
const connectionListeners = new Set<() => void>();
function setConnection(next: LiveConnection) {
  if (next === connection) return;
  connection = next;
  connectionListeners.forEach((listener) => listener());
}

/** Whether live updates are flowing; re-renders on change. Reading it does not open the socket. */
export function useLiveConnection(): LiveConnection {
  return useSyncExternalStore(
    (listener) => {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    () => connection,
    () => 'idle',
  );
}

/** The tab's socket (same origin), created and connected on first use. */
export function getSocket(): Socket {
  return live().socket;
}

/**
 * Calls `onMessage` for each batch that concerns one of `rooms` ('orders',
 * 'customers', 'dashboard', 'projections', 'order:<id>', 'customer:<id>'),
 * and with { type: 'resync' } when pushes may have been lost. `rooms` may be
 * a new array on every render; only its contents count.
 */
export function useLiveProjection(rooms: readonly string[], onMessage: (message: LiveMessage) => void): void {
  const handle = useEffectEvent(onMessage);
  const key = rooms.join('\n');
  useEffect(() => live().hub.subscribe(key ? key.split('\n') : [], (message) => handle(message)), [key]);
}

const NONE: Checkpoints = Object.freeze({});
const ignore = () => {};
const subscribeCheckpoints = (onChange: () => void) => {
  const { hub } = live();
  const stopWatching = hub.watchCheckpoints(onChange);
  // Keeps the tab in 'projections', which receives every batch.
  const leave = hub.subscribe(['projections'], ignore);
  return () => {
    stopWatching();
    leave();
  };
};

/** The latest known checkpoint of each projection, by name; re-renders when one moves. */
export function useProjectionCheckpoints(): Checkpoints {
  // Reading must not open the socket during render; subscribing (after commit) does.
  return useSyncExternalStore(
    subscribeCheckpoints,
    () => globalForLive.ledgerlineLive?.hub.checkpoints() ?? NONE,
    () => NONE,
  );
}

/** Seeds checkpoints from a fetch of /api/projections, so a page knows them before the next batch arrives. */
export function recordCheckpoints(statuses: readonly { name: string; position: string }[]): void {
  const { hub } = live();
  for (const { name, position } of statuses) hub.recordCheckpoint(name, position);
}
