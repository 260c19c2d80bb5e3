import { expect } from 'vitest';

export type DeciderSpecDecider<Command, Event, State> = {
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
};

/** Extra properties the thrown error must also have, e.g. `{ field: 'items.0.sku' }`;
 * `{ field: undefined }` asserts the error has no field. */
export type ExpectedErrorProperties = Record<string, unknown>;

export type DeciderSpecThen<Event> = {
  /** Asserts the exact events, in order. */
  then: (expected: Event[]) => void;
  /** Asserts decide() throws an error whose `code` (and any extra properties) match. */
  thenThrows: (code: string, properties?: ExpectedErrorProperties) => void;
  /** Asserts an idempotent no-op: decide() returns []. */
  thenNothing: () => void;
};

export type DeciderSpecWhen<Command, Event> = {
  when: (command: Command) => DeciderSpecThen<Event>;
};

export type DeciderSpecGiven<Command, Event> = {
  given: (events?: Event[]) => DeciderSpecWhen<Command, Event>;
};

/**
 * Given/when/then over a pure decider.
 *
 * Beyond comparing events it also:
 * - deep-freezes (copies of) history, the command and every state, so a
 *   decide/evolve that mutates its inputs fails here instead of corrupting state in production;
 * - checks the produced events survive a JSON round trip (they are stored
 *   as jsonb, so a Date or undefined slipping in would be lost);
 * - folds the produced events through evolve, so decide can never emit an
 *   event its own evolve rejects.
 *
 * The result of `when()` has a `then` method, so do not `await` or return it
 * from a test; call one of the `then*` methods.
 */
export const DeciderSpec = {
  for<Command, Event, State>(decider: DeciderSpecDecider<Command, Event, State>): DeciderSpecGiven<Command, Event> {
    return {
      given: (events: Event[] = []) => ({
        when: (command: Command) => {
          const history = deepFreeze(structuredClone(events));
          const frozenCommand = deepFreeze(structuredClone(command));

          const run = (): { state: State; produced: Event[] } => {
            // Every intermediate state is frozen too, so mutating the previous
            // state (in evolve) or the current one (in decide) throws.
            const state = history.reduce(
              (current, event) => deepFreeze(decider.evolve(current, event)),
              deepFreeze(decider.initialState()),
            );
            return { state, produced: decider.decide(frozenCommand, state) };
          };

          const checkProduced = (state: State, produced: Event[]): void => {
            expect(JSON.parse(JSON.stringify(produced)), 'events must be plain JSON').toEqual(produced);
            expect(() => produced.reduce(decider.evolve, state), 'evolve must accept produced events').not.toThrow();
          };

          return {
            then: (expected: Event[]) => {
              const { state, produced } = run();
              expect(produced).toStrictEqual(expected);
              checkProduced(state, produced);
            },
            thenNothing: () => {
              const { produced } = run();
              expect(produced).toStrictEqual([]);
            },
            thenThrows: (code: string, properties: ExpectedErrorProperties = {}) => {
              let produced: Event[];
              try {
                produced = run().produced;
              } catch (error) {
                expect(error).toBeInstanceOf(Error);
                expect(error).toMatchObject({ code });
                for (const [key, value] of Object.entries(properties)) {
                  // `undefined` means "must not be set", whether absent or explicitly undefined.
                  expect((error as Record<string, unknown>)[key], `error.${key}`).toStrictEqual(value);
                }
                return;
              }
              throw new Error(`Expected decide to throw ${code}, but it returned ${JSON.stringify(produced)}`);
            },
          };
        },
      }),
    };
  },
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      deepFreeze((value as Record<PropertyKey, unknown>)[key]);
    }
  }
  return value;
}
