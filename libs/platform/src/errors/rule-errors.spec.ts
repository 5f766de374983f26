import { RuleError } from '@kefu/kernel';
import { withDomainErrors } from '../event-store/command-runner';
import { DomainError, fromRuleError } from './domain-error';

// Each domain folder refuses with the kernel's RuleError or a subclass of it (with codes of its own);
// one translator recognises them all with instanceof.
class LockoutRuleError extends RuleError<string> {}

// The shape alone is not enough any more: only a RuleError is a refusal.
class LookAlikeRuleError extends Error {
  constructor(readonly code: string) {
    super('looks like one');
    this.name = 'LookAlikeRuleError';
  }
}

describe('fromRuleError / withDomainErrors', () => {
  it("turns any module's rule error into a DomainError with its field errors and Retry-After", () => {
    const e = fromRuleError(new LockoutRuleError('rate_limited', 'locked', [], 90));
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({
      code: 'rate_limited',
      category: 'rate_limited',
      details: { retryAfterSeconds: 90 },
    });
    const v = fromRuleError(
      new LockoutRuleError('validation_failed', 'bad', [{ field: 'x', message: 'no' }]),
    );
    expect(v).toMatchObject({
      code: 'validation_failed',
      details: { errors: [{ field: 'x', message: 'no' }] },
    });
  });

  it('leaves programming errors and unknown codes alone (they stay 500s)', () => {
    const plain = new TypeError('boom');
    expect(fromRuleError(plain)).toBe(plain);
    const odd = new LockoutRuleError('no_such_code', 'x');
    expect(fromRuleError(odd)).toBe(odd);
    const lookAlike = new LookAlikeRuleError('forbidden');
    expect(fromRuleError(lookAlike)).toBe(lookAlike);
  });

  it('wraps a decider so its refusals reach the API as DomainErrors', () => {
    const decider = withDomainErrors({
      initialState: () => 0,
      evolve: (s: number) => s,
      decide: (): Array<{ type: string; data: unknown }> => {
        throw new LockoutRuleError('invalid_transition', 'closed is final');
      },
    });
    expect(() => decider.decide({}, 0)).toThrow(DomainError);
  });
});
