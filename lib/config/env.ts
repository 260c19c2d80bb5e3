/**
 * A whole-number setting from the environment, or `fallback` when unset or
 * empty. Anything else is a configuration mistake and stops the process with
 * the variable's name: a limit read as NaN would silently turn the limit off.
 */
export function intFromEnv(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max} (it is "${raw}").`);
  }
  return value;
}
