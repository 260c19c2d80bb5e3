// Read-your-writes in the browser: a command result carries the position of
// its events, and a row is confirmed once the projection that shows it has
// passed that position. Pure and import-safe anywhere.
import { comparePositions, isPosition } from '../event-store/position';

/** Latest known checkpoint per projection name. */
export type Checkpoints = Readonly<Record<string, string>>;

/** True once `projection` has applied the events up to `position` (a command result's position). */
export function hasCaughtUp(checkpoints: Checkpoints, projection: string, position: string): boolean {
  const checkpoint = checkpoints[projection];
  return checkpoint !== undefined && isPosition(position) && comparePositions(checkpoint, position) >= 0;
}

/**
 * The checkpoints with `checkpoint` taken into account; the same object when it
 * is not news, so React skips the render. Checkpoints only move forward, and
 * messages of older versions may still arrive: the furthest wins. While a new
 * version rebuilds beside the serving one, the serving one is the further.
 */
export function advance(checkpoints: Checkpoints, projection: string, checkpoint: string): Checkpoints {
  if (!isPosition(checkpoint)) return checkpoints;
  const known = checkpoints[projection];
  if (known !== undefined && comparePositions(known, checkpoint) >= 0) return checkpoints;
  return { ...checkpoints, [projection]: checkpoint };
}
