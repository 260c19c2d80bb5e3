// One tab's subscriptions over its one socket. Components come and go (and
// StrictMode mounts them twice), so rooms are reference-counted: the server is
// asked to join a room when its first user arrives and to leave it when the
// last one is gone. No React and no server imports, so tests can drive it
// with a socket of their own.
import type { Socket } from 'socket.io-client';
import { advance, replace, type Checkpoints } from './checkpoints';
import { normalizeRoom, targetsOf, toProjectionMessage, type ProjectionMessage } from './rooms';

export type LiveMessage =
  | { type: 'projection'; message: ProjectionMessage }
  /** Pushes may have been lost (this tab or its server was disconnected): refetch whatever is shown. */
  | { type: 'resync' };

export type LiveHub = {
  /** Joins `rooms` (invalid names are dropped) until the returned function is called. */
  subscribe: (rooms: readonly string[], onMessage: (message: LiveMessage) => void) => () => void;
  checkpoints: () => Checkpoints;
  /** Calls `onChange` whenever checkpoints() changes; returns the unsubscribe. */
  watchCheckpoints: (onChange: () => void) => () => void;
  /** Adds checkpoints learnt elsewhere (e.g. GET /api/projections), so a page knows them before the next batch. */
  recordCheckpoint: (projection: string, position: string) => void;
};

type Listener = { rooms: readonly string[]; onMessage: (message: LiveMessage) => void };

export function createLiveHub(socket: Pick<Socket, 'on' | 'emit' | 'connected'>): LiveHub {
  const counts = new Map<string, number>();
  /** Rooms the server has been asked to join on this connection. */
  const joined = new Set<string>();
  const listeners = new Set<Listener>();
  const watchers = new Set<() => void>();
  let checkpoints: Checkpoints = {};
  /** The serving version each checkpoint is of, once a message has said. */
  const versions = new Map<string, number>();
  let flushQueued = false;
  let connectedBefore = false;

  /**
   * Sends the difference between the rooms in use and the rooms joined, once
   * per microtask: StrictMode's unmount-and-mount of the same room then
   * sends nothing at all.
   */
  function scheduleFlush() {
    if (flushQueued) return;
    flushQueued = true;
    queueMicrotask(() => {
      flushQueued = false;
      // Disconnected: the 'connect' handler joins everything in use.
      if (!socket.connected) return;
      const join = [...counts.keys()].filter((room) => !joined.has(room));
      const leave = [...joined].filter((room) => !counts.has(room));
      join.forEach((room) => joined.add(room));
      leave.forEach((room) => joined.delete(room));
      if (join.length) socket.emit('subscribe', join);
      if (leave.length) socket.emit('unsubscribe', leave);
    });
  }

  function deliver(listener: Listener, message: LiveMessage) {
    try {
      listener.onMessage(message);
    } catch (error) {
      // One broken handler must not starve the others; still surface the error.
      setTimeout(() => {
        throw error;
      });
    }
  }

  function recordCheckpoint(projection: string, position: string, version?: number) {
    const switched = version !== undefined && versions.has(projection) && versions.get(projection) !== version;
    if (version !== undefined) versions.set(projection, version);
    const next = (switched ? replace : advance)(checkpoints, projection, position);
    if (next === checkpoints) return;
    checkpoints = next;
    watchers.forEach((watcher) => watcher());
  }

  socket.on('connect', () => {
    // A new connection is a new server-side socket, in no room yet.
    joined.clear();
    scheduleFlush();
    // Whatever was pushed while this tab was away is lost.
    if (connectedBefore) listeners.forEach((listener) => deliver(listener, { type: 'resync' }));
    connectedBefore = true;
  });
  // Sent to every tab of a node at once when its LISTEN is back: spread the
  // refetches over a second rather than have them all land together.
  socket.on('resync', () =>
    setTimeout(() => listeners.forEach((listener) => deliver(listener, { type: 'resync' })), Math.random() * 1_000),
  );
  socket.on('projection', (value: unknown) => {
    const message = toProjectionMessage(value);
    if (!message) return;
    // Every serving batch tells where its projection is, whichever room
    // brought it. (A message without `serving` comes from a server that did
    // not know versions, when every batch was the serving version's.)
    if (message.serving !== false) recordCheckpoint(message.projection, message.checkpoint, message.version);
    const { rooms, everyRoomStartingWith: prefix } = targetsOf(message);
    const targets = new Set(rooms);
    for (const listener of listeners) {
      if (listener.rooms.some((room) => targets.has(room) || (prefix !== null && room.startsWith(prefix)))) {
        deliver(listener, { type: 'projection', message });
      }
    }
  });

  return {
    subscribe(rooms, onMessage) {
      const valid = [...new Set(rooms.map(normalizeRoom).filter((room): room is string => room !== null))];
      const listener: Listener = { rooms: valid, onMessage };
      listeners.add(listener);
      valid.forEach((room) => counts.set(room, (counts.get(room) ?? 0) + 1));
      scheduleFlush();
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        listeners.delete(listener);
        for (const room of valid) {
          const left = counts.get(room)! - 1;
          if (left > 0) counts.set(room, left);
          else counts.delete(room);
        }
        scheduleFlush();
      };
    },
    checkpoints: () => checkpoints,
    watchCheckpoints(onChange) {
      watchers.add(onChange);
      return () => void watchers.delete(onChange);
    },
    recordCheckpoint,
  };
}
