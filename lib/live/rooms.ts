// Room names and message routing, shared by the server (which rooms a batch
// goes to) and the browser (which hooks a message concerns: one socket per tab
// carries every room, so the tab must sort messages out again itself). Only
// pure code: this file ships to the browser.
import { isPosition } from '../event-store/position';
import { LIVE_ROUTES, type LiveRoute } from '../read-models/live';

/** What the projection worker NOTIFYs after each committed batch (see lib/projections/worker.ts). */
export type ProjectionMessage = {
  projection: string;
  version: number;
  /** Position "<txid>:<globalPosition>" the projection has reached with this batch. */
  checkpoint: string;
  /**
   * Row keys per view; null when there were too many for a NOTIFY, and after a
   * switch of the serving version: treat every row of the view as changed.
   */
  keys: Record<string, string[]> | null;
  /**
   * Set by the live server: whether `version` serves reads. Only serving
   * messages reach view and row rooms and move read-your-writes checkpoints;
   * the others reach 'projections' alone (progress of a version building).
   */
  serving?: boolean;
  /**
   * 'rebuild' for a batch of a rebuild running beside the version's tables:
   * nobody reads those rows until it takes over, so it never serves.
   */
  slot?: 'main' | 'rebuild';
};

/** 'projections' gets every batch (checkpoints, lag, read-your-writes). */
export const PROJECTIONS_ROOM = 'projections';

/** Whole views: each read model's (lib/read-models/<name>/live.ts), and 'projections'. */
export const VIEW_ROOMS: readonly string[] = [...new Set(LIVE_ROUTES.map((route) => route.view)), PROJECTIONS_ROOM];

/** A page joins its views and the rows it shows; more is a bug or abuse, and costs the node memory. */
export const MAX_ROOMS_PER_SOCKET = 100;

const ROW_ROOM = /^(order|customer):([0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})$/i;

/**
 * A valid room name in its one canonical spelling, or null. Prefix and ids
 * are lower case, as PostgreSQL prints uuids and as the projections report keys, so an
 * id typed in upper case still lands in the room its rows are pushed to.
 */
export function normalizeRoom(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 50) return null;
  if ((VIEW_ROOMS as readonly string[]).includes(value)) return value;
  const match = ROW_ROOM.exec(value);
  // The prefix too: `ORDER:<id>` would be a room no push ever goes to.
  return match ? `${match[1]!.toLowerCase()}:${match[2]!.toLowerCase()}` : null;
}

/** Which view each projection feeds, and which of its key lists names rows that have rooms of their own. */
const ROUTES = new Map<string, LiveRoute>(LIVE_ROUTES.map((route) => [route.projection, route]));

/** The view room of a projection's read model, or null for a projection no view shows. */
export function viewOf(projection: string): string | null {
  return ROUTES.get(projection)?.view ?? null;
}

export type Targets = {
  rooms: string[];
  /** Set when the keys were left out: every room starting with it may be concerned. */
  everyRoomStartingWith: string | null;
};

/**
 * The rooms a batch concerns. Unknown projections, and versions that do not
 * serve (`serving: false`), reach 'projections' only.
 */
export function targetsOf(message: ProjectionMessage): Targets {
  const rooms = [PROJECTIONS_ROOM];
  const route = ROUTES.get(message.projection);
  if (!route || message.serving === false) return { rooms, everyRoomStartingWith: null };
  rooms.push(route.view);
  if (!route.rows) return { rooms, everyRoomStartingWith: null };
  if (message.keys === null) return { rooms, everyRoomStartingWith: route.rows.prefix };
  const ids = message.keys[route.rows.keys];
  if (Array.isArray(ids)) {
    for (const id of ids) if (typeof id === 'string') rooms.push(route.rows.prefix + id.toLowerCase());
  }
  return { rooms, everyRoomStartingWith: null };
}

/** The message as sent, or null for anything else (a NOTIFY on the channel can come from any database user). */
export function toProjectionMessage(value: unknown): ProjectionMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const { projection, version, checkpoint, keys, serving, slot } = value as Record<string, unknown>;
  if (typeof projection !== 'string' || typeof version !== 'number' || !isPosition(checkpoint)) return null;
  if (keys !== null && (typeof keys !== 'object' || Array.isArray(keys))) return null;
  if (serving !== undefined && typeof serving !== 'boolean') return null;
  if (slot !== undefined && slot !== 'main' && slot !== 'rebuild') return null;
  const message: ProjectionMessage = { projection, version, checkpoint, keys: keys as ProjectionMessage['keys'] };
  return { ...message, ...(serving === undefined ? {} : { serving }), ...(slot === undefined ? {} : { slot }) };
}
