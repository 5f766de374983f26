// The shared kernel of the domain folders. Domain code depends on nothing (not even @kefu/platform),
// so these types mirror the platform's structurally: a Decider here is a platform Decider, and a
// DomainRuleError carries a code the application layer turns into the platform DomainError.

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

/** The roles of DOMAIN.md; `partner` is a channel holding an API key, `system` a worker job. */
export const ACTOR_ROLES = [
  'customer',
  'agent',
  'senior_agent',
  'supervisor',
  'admin',
  'partner',
  'system',
] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

/** The people who work tickets. Admins are operators, but like in Zendesk they may act as agents. */
export const STAFF_ROLES = [
  'agent',
  'senior_agent',
  'supervisor',
  'admin',
] as const satisfies readonly ActorRole[];

export function isStaff(role: ActorRole): boolean {
  return (STAFF_ROLES as readonly ActorRole[]).includes(role);
}

/**
 * Who issues a command. `id` is the JWT `sub` for people, the partner channel's stable id for
 * partners (not the API key's id, so key rotation keeps access), and the job name for `system`.
 * Customers also carry `customerId` (the wallet account id): it decides which tickets are theirs.
 */
export interface Actor {
  role: ActorRole;
  id: string;
  name?: string;
  customerId?: string;
}

/** Every command: what, who, and when. The domain takes time as input and never reads a clock. */
export interface Command<T extends string = string, D = unknown> {
  type: T;
  data: D;
  actor: Actor;
  /** ISO 8601 UTC; copied into the events as `at`. */
  now: string;
}

/** The subset of the platform's DomainError codes that domain rules raise. Same strings. */
export type RuleErrorCode = 'validation_failed' | 'forbidden' | 'not_found' | 'invalid_transition';

export interface FieldViolation {
  /** The input path as clients send it: `subject`, `transaction.currency`, `attachments[0].url`. */
  field: string;
  message: string;
}

/**
 * A refused command. Deciders throw it before emitting anything, so a refusal never leaves events.
 * Translate with `new DomainError(e.code, e.message, e.errors.length ? { errors: e.errors } : {})`.
 */
export class DomainRuleError extends Error {
  constructor(
    readonly code: RuleErrorCode,
    message: string,
    readonly errors: FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'DomainRuleError';
  }

  static validation(errors: FieldViolation[]): DomainRuleError {
    const first = errors[0];
    const message =
      errors.length === 1 && first ? `${first.field}: ${first.message}` : 'The request is not valid.';
    return new DomainRuleError('validation_failed', message, errors);
  }

  static forbidden(message = 'You are not allowed to do this.'): DomainRuleError {
    return new DomainRuleError('forbidden', message);
  }

  static notFound(what: string, id?: string): DomainRuleError {
    return new DomainRuleError('not_found', id ? `${what} ${id} was not found.` : `${what} was not found.`);
  }

  static invalidTransition(message: string): DomainRuleError {
    return new DomainRuleError('invalid_transition', message);
  }
}
