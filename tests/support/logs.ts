import { vi } from 'vitest';

export type LogEntry = Record<string, unknown> & { msg?: string; level?: number; component?: string };

/**
 * The logger's lines while the returned capture is open (vitest sets
 * LOG_FORMAT=json, and lib/observability/logger.ts writes to process.stdout).
 * Nothing reaches the terminal meanwhile.
 */
export function captureLogs() {
  const raw: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    raw.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return {
    /** Everything written, as written. */
    text: () => raw.join(''),
    entries: (): LogEntry[] => parseLogLines(raw.join('')),
    restore: () => spy.mockRestore(),
  };
}

/** JSON log lines out of a process's output; other lines are left out. */
export function parseLogLines(text: string): LogEntry[] {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogEntry];
    } catch {
      return [];
    }
  });
}
