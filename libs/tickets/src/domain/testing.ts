// given(events).when(command).then(events) for any decider, without mocks. For specs only.
import { Decider, DomainEvent, DomainRuleError, RuleErrorCode } from './decider';

// Jest's global, declared locally (the few matchers used) so the production build, which has no
// Jest types but includes every non-spec file, still compiles this one.
interface Matchers {
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeInstanceOf(expected: abstract new (...args: never[]) => unknown): void;
  toContain(expected: unknown): void;
}
declare const expect: (actual: unknown) => Matchers;

export interface Scenario<S, E> {
  /** The command emits exactly these events (an empty list: it changes nothing). */
  then(expected: E[]): void;
  /** The command is refused with this code (and, when given, a violation on this field). */
  thenThrows(code: RuleErrorCode, field?: string): void;
  /** The state after the given and the emitted events matches (toMatchObject). */
  thenState(expected: Partial<S>): void;
  /** The emitted events, for assertions the helpers above do not cover. */
  events(): E[];
}

export function deciderSpec<S, C, E extends DomainEvent>(decider: Decider<S, C, E>) {
  return function given(history: E[] = []) {
    return {
      when(command: C): Scenario<S, E> {
        const before = () => history.reduce(decider.evolve, decider.initialState());
        const run = () => decider.decide(command, before());
        return {
          then(expected) {
            expect(run()).toEqual(expected);
          },
          thenThrows(code, field) {
            let thrown: unknown;
            try {
              // Shown in the failure when nothing was thrown.
              thrown = { emitted: run() };
            } catch (e) {
              thrown = e;
            }
            expect(thrown).toBeInstanceOf(DomainRuleError);
            const err = thrown as DomainRuleError;
            expect({ code: err.code, message: err.message }).toMatchObject({ code });
            if (field !== undefined) expect(err.errors.map((x) => x.field)).toContain(field);
          },
          thenState(expected) {
            const state = run().reduce(decider.evolve, before());
            expect(state).toMatchObject(expected);
          },
          events: run,
        };
      },
    };
  };
}
