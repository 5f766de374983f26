// A refused command. Deciders throw it before emitting anything, so a refusal never leaves events.
// The platform recognises every RuleError with `instanceof` and turns it into its DomainError
// (fromRuleError) when the code is one of its error table; modules with codes of their own
// (dispute_already_open, survey_expired, …) subclass it with a wider Code.

/** The codes every domain may raise. Same strings as the platform's error table. */
export type RuleErrorCode =
  'validation_failed' | 'forbidden' | 'not_found' | 'invalid_transition' | 'rate_limited';

export interface FieldViolation {
  /** The input path as clients send it: `subject`, `transaction.currency`, `attachments[0].url`. */
  field: string;
  message: string;
}

type RuleErrorClass<T, Code extends string> = new (
  code: Code,
  message: string,
  errors?: FieldViolation[],
  retryAfterSeconds?: number,
) => T;

export class RuleError<Code extends string = RuleErrorCode> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly errors: FieldViolation[] = [],
    /** For `rate_limited`: when the caller may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** validation_failed with every violation; the message names the field when there is one. */
  static validation<T>(this: RuleErrorClass<T, 'validation_failed'>, errors: FieldViolation[]): T {
    const first = errors[0];
    const message =
      errors.length === 1 && first ? `${first.field}: ${first.message}` : 'The request is not valid.';
    return new this('validation_failed', message, errors);
  }

  static forbidden<T>(this: RuleErrorClass<T, 'forbidden'>, message = 'You are not allowed to do this.'): T {
    return new this('forbidden', message);
  }

  static notFound<T>(this: RuleErrorClass<T, 'not_found'>, what: string, id?: string): T {
    return new this('not_found', id ? `${what} ${id} was not found.` : `${what} was not found.`);
  }

  static invalidTransition<T>(this: RuleErrorClass<T, 'invalid_transition'>, message: string): T {
    return new this('invalid_transition', message);
  }
}

/** The refusals of the ticket-shaped domains (tickets, agents, SLA, escalation, …): the common codes. */
export class DomainRuleError extends RuleError<RuleErrorCode> {}
