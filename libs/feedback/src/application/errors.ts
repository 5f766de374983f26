import { DomainError, Principal } from '@kefu/platform';
import { FeedbackRuleError } from '../domain/rules';

/** Rule errors of the pure domain become platform DomainErrors (same codes). */
export function translateRule(e: unknown): unknown {
  if (e instanceof FeedbackRuleError)
    return new DomainError(e.code, e.message, e.errors.length ? { errors: e.errors } : {});
  return e;
}

export function wrapDecide<C, S, E>(decide: (c: C, s: S) => E[]): (c: C, s: S) => E[] {
  return (c, s) => {
    try {
      return decide(c, s);
    } catch (e) {
      throw translateRule(e);
    }
  };
}

/**
 * Who changes tickets for the feedback module (escalations to L3 after a low score or a complaint
 * about an agent): a supervisor-level service identity, recorded as the actor of those events.
 */
export const FEEDBACK_SERVICE_PRINCIPAL: Principal = {
  kind: 'user',
  sub: 'kefu-feedback',
  role: 'supervisor',
  name: 'Kefu satisfaction follow-up',
};
