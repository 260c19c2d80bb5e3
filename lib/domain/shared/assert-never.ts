/**
 * Closes a switch over a discriminated union: adding a member to the union
 * turns every switch that forgot it into a compile error instead of a silent
 * fall-through.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
