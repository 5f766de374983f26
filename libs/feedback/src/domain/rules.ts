// Refusals of the feedback domain. Same code strings as the platform's DomainError (API.md).

export type FeedbackRuleCode =
  'validation_failed' | 'not_found' | 'invalid_transition' | 'survey_already_answered' | 'survey_expired';

export interface FieldViolation {
  field: string;
  message: string;
}

export class FeedbackRuleError extends Error {
  constructor(
    readonly code: FeedbackRuleCode,
    message: string,
    readonly errors: FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'FeedbackRuleError';
  }

  static validation(errors: FieldViolation[]): FeedbackRuleError {
    const first = errors[0];
    return new FeedbackRuleError(
      'validation_failed',
      errors.length === 1 && first ? `${first.field}: ${first.message}` : 'The request is not valid.',
      errors,
    );
  }
}

/** Collects every violation of one input, so a client learns all of them at once. */
export class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  throwIfAny(): void {
    if (this.list.length) throw FeedbackRuleError.validation(this.list);
  }
}

/** Trimmed text of at most `max` characters; `required` refuses blanks. */
export function text(
  v: Violations,
  field: string,
  value: unknown,
  max: number,
  required: boolean,
): string | undefined {
  if (value === undefined || value === null) {
    if (required) v.add(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    v.add(field, 'must be a string');
    return undefined;
  }
  const t = value.trim();
  if (required && t === '') v.add(field, 'must not be blank');
  else if ([...t].length > max) v.add(field, `must be at most ${max} characters`);
  return t === '' ? undefined : t;
}
