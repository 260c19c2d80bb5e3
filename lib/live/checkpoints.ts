// Read-your-writes in the browser: a command result carries the position of
// its events, and a row is confirmed once the serving version of the
// projection that shows it has passed that position. Pure and import-safe anywhere.
import { comparePositions, isPosition } from '../event-store/position';

/** Latest known checkpoint of each projection's serving version, by projection name. */
export type Checkpoints = Readonly<Record<string, string>>;

/** True once `projection` has applied the events up to `position` (a command result's position). */
export function hasCaughtUp(checkpoints: Checkpoints, projection: string, position: string): boolean {
  const checkpoint = checkpoints[projection];
  return checkpoint !== undefined && isPosition(position) && comparePositions(checkpoint, position) >= 0;
}

/**
 * The checkpoints with `checkpoint` (of the serving version) taken into
 * account; the same object when it is not news, so React skips the render.
 * Within one version checkpoints only move forward, and a late message may
 * still arrive: the furthest wins. Only serving messages count (the live
 * server marks them): a version building beside the serving one shows nothing
 * yet, so its position confirms nothing.
 */
export function advance(checkpoints: Checkpoints, projection: string, checkpoint: string): Checkpoints {
  if (!isPosition(checkpoint)) return checkpoints;
  const known = checkpoints[projection];
  if (known !== undefined && comparePositions(known, checkpoint) >= 0) return checkpoints;
  return { ...checkpoints, [projection]: checkpoint };
}

/**
 * After a switch of the serving version: the new version's checkpoint
 * replaces the old one's even when it is behind it, since that is what reads
 * now show. A write the old version had shown but the new one has not yet
 * applied is pending again until it has.
 */
export function replace(checkpoints: Checkpoints, projection: string, checkpoint: string): Checkpoints {
  if (!isPosition(checkpoint) || checkpoints[projection] === checkpoint) return checkpoints;
  return { ...checkpoints, [projection]: checkpoint };
}
