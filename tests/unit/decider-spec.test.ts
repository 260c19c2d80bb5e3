import { describe, expect, it } from 'vitest';
import { DeciderSpec } from '../../lib/domain/testing/decider-spec';

// A toy counter decider, so the helper's own failure modes can be checked
// without depending on order rules.
type Cmd = { type: 'Add'; amount: number } | { type: 'Bad' } | { type: 'Mutate' } | { type: 'Dated' };
type Ev = { type: 'Added'; amount: number; at?: unknown };
type State = { count: number; seen: number[] };

const decider = {
  initialState: (): State => ({ count: 0, seen: [] }),
  evolve: (state: State, event: Ev): State => ({
    count: state.count + event.amount,
    seen: [...state.seen, event.amount],
  }),
  decide: (command: Cmd, state: State): Ev[] => {
    switch (command.type) {
      case 'Add':
        if (command.amount === 0) return [];
        if (state.count + command.amount > 10)
          throw Object.assign(new Error('too big'), { code: 'TOO_BIG', field: 'amount' });
        return [{ type: 'Added', amount: command.amount }];
      case 'Bad':
        throw new Error('no code');
      case 'Mutate':
        state.seen.push(1);
        return [];
      case 'Dated':
        return [{ type: 'Added', amount: 1, at: new Date(0) }];
    }
  },
};

const spec = DeciderSpec.for(decider);
const added = (amount: number): Ev => ({ type: 'Added', amount });

describe('DeciderSpec', () => {
  it('passes on the exact events', () => {
    spec
      .given([added(2)])
      .when({ type: 'Add', amount: 3 })
      .then([added(3)]);
  });

  it('fails on different events', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'Add', amount: 3 })
        .then([added(4)]),
    ).toThrow();
    expect(() => spec.given([]).when({ type: 'Add', amount: 3 }).then([])).toThrow();
  });

  it('folds given events before deciding', () => {
    spec
      .given([added(9)])
      .when({ type: 'Add', amount: 2 })
      .thenThrows('TOO_BIG');
    spec
      .given()
      .when({ type: 'Add', amount: 2 })
      .then([added(2)]);
  });

  it('thenThrows checks code and extra properties', () => {
    spec
      .given([added(9)])
      .when({ type: 'Add', amount: 5 })
      .thenThrows('TOO_BIG', { field: 'amount' });
    expect(() =>
      spec
        .given([added(9)])
        .when({ type: 'Add', amount: 5 })
        .thenThrows('OTHER'),
    ).toThrow();
    expect(() =>
      spec
        .given([added(9)])
        .when({ type: 'Add', amount: 5 })
        .thenThrows('TOO_BIG', { field: 'other' }),
    ).toThrow();
    expect(() => spec.given([]).when({ type: 'Bad' }).thenThrows('TOO_BIG')).toThrow();
    // `undefined` demands the property be unset.
    expect(() =>
      spec
        .given([added(9)])
        .when({ type: 'Add', amount: 5 })
        .thenThrows('TOO_BIG', { field: undefined }),
    ).toThrow();
  });

  it('thenThrows fails when nothing is thrown', () => {
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).thenThrows('TOO_BIG')).toThrow(
      /Expected decide to throw TOO_BIG/,
    );
  });

  it('thenNothing fails when events are produced', () => {
    spec.given([]).when({ type: 'Add', amount: 0 }).thenNothing();
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).thenNothing()).toThrow();
  });

  it('catches a decide that mutates state', () => {
    expect(() =>
      spec
        .given([added(1)])
        .when({ type: 'Mutate' })
        .thenNothing(),
    ).toThrow(TypeError);
  });

  it('catches events that are not plain JSON', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'Dated' })
        .then([{ type: 'Added', amount: 1, at: new Date(0) }]),
    ).toThrow(/plain JSON/);
  });
});
