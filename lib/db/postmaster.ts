import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// What a killed postmaster leaves behind, and how to clear it so that a new
// one starts. PostgreSQL refuses to start while (a) a backend of the old
// server is still attached to its shared memory ("pre-existing shared memory
// block is still in use": a backend busy in a query notices its postmaster's
// death only when it next waits), or (b) postmaster.pid names a process that
// kill(pid, 0) still finds: a zombie, when the dead postmaster's parent (an
// init that does not reap, in a container) never collects it.

/** The postmaster's pid and port as postmaster.pid records them, or null. */
export function readPostmasterPid(dataDir: string): { pid: number; port: number } | null {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const [pidLine, , , portLine] = readFileSync(file, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) ? { pid, port } : null;
}

/** Alive and not a zombie (a zombie still answers kill(pid, 0)). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** The pid in postmaster.pid when that process is alive. */
export function livePostmaster(dataDir: string): { pid: number; port: number } | null {
  const recorded = readPostmasterPid(dataDir);
  return recorded && isAlive(recorded.pid) ? recorded : null;
}

/**
 * Kills the backends a dead postmaster left running in `dataDir` (found by
 * their working directory, which every PostgreSQL process has in its data
 * directory), waits for them to go, and removes a postmaster.pid whose
 * process is dead. Does nothing while a live postmaster owns the directory.
 * Linux only (/proc); elsewhere PostgreSQL's own checks are all there is.
 */
export async function clearLeftovers(dataDir: string, log: (line: string) => void): Promise<void> {
  if (process.platform !== 'linux' || livePostmaster(dataDir)) return;
  const dir = realpathSync(dataDir);
  const orphans = processesIn(dir);
  if (orphans.length) {
    log(`killing ${orphans.length} leftover backend(s) of the dead server: ${orphans.join(', ')}`);
    for (const pid of orphans) killQuietly(pid);
    for (const deadline = Date.now() + 5_000; processesIn(dir).length && Date.now() < deadline;) await sleep(50);
  }
  // Checked again: another process of ours sharing this directory may have started a server meanwhile.
  const recorded = readPostmasterPid(dataDir);
  if (recorded && !isAlive(recorded.pid) && processesIn(dir).length === 0) {
    // force: a supervisor in another process may have removed it first.
    rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
  }
}

/** Live PostgreSQL processes whose working directory is `dir`. */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const postgres = path.basename(readlinkSync(`/proc/${pid}/exe`)) === 'postgres';
      if (postgres && readlinkSync(`/proc/${pid}/cwd`) === dir && isAlive(pid)) pids.push(pid);
    } catch {
      // gone, or not ours to inspect
    }
  }
  return pids;
}

function killQuietly(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
