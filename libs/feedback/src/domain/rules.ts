// Refusals of the feedback domain: the kernel's RuleError with the survey codes of API.md, and the
// kernel's Violations.
import { RuleError, Violations as KernelViolations, optionalText, requiredText } from '@kefu/kernel';

export type FeedbackRuleCode =
  'validation_failed' | 'not_found' | 'invalid_transition' | 'survey_already_answered' | 'survey_expired';

export class FeedbackRuleError extends RuleError<FeedbackRuleCode> {}

/** Collects every violation of one input; refuses with a FeedbackRuleError. */
export class Violations extends KernelViolations {
  constructor() {
    super(FeedbackRuleError);
  }
}

/** Trimmed text of at most `max` characters; `required` refuses blanks, otherwise a blank is "not given". */
export function text(
  v: Violations,
  field: string,
  value: unknown,
  max: number,
  required: boolean,
): string | undefined {
  if (required) return requiredText(v, field, value, max) || undefined;
  return optionalText(v, field, value, max, { blankIsAbsent: true });
}
