// Deciders: pure functions over one stream's events. The kernel depends on nothing (no framework,
// no other lib), so every domain folder and the platform share these very types.
import { Actor } from './actor';

/** What a decider emits: a past-tense type and its payload. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

/** Pure functions over one stream's events. */
export interface Decider<S, C, E extends DomainEvent> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  decide: (command: C, state: S) => E[];
}

/** Every command: what, who, and when. The domain takes time as input and never reads a clock. */
export interface Command<T extends string = string, D = unknown> {
  type: T;
  data: D;
  actor: Actor;
  /** ISO 8601 UTC; copied into the events as `at`. */
  now: string;
}
