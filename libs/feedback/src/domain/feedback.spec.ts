import { FeedbackRuleError } from './rules';
import { needsSupervisor, validateFeedback } from './feedback';

describe('feedback', () => {
  it('checks and trims the input', () => {
    expect(validateFeedback({ kind: 'praise', body: ' great ', customerId: 'c-1' })).toEqual({
      kind: 'praise',
      body: 'great',
      customerId: 'c-1',
    });
  });

  it('names every bad field', () => {
    try {
      validateFeedback({ kind: 'rant', body: ' ', customerId: 7 });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(FeedbackRuleError);
      expect((e as FeedbackRuleError).errors.map((x) => x.field)).toEqual(['kind', 'body', 'customer.id']);
    }
  });

  it('sends only complaints about an agent to a supervisor', () => {
    expect(needsSupervisor({ kind: 'complaint', agentId: 'a-1' })).toBe(true);
    expect(needsSupervisor({ kind: 'complaint' })).toBe(false);
    expect(needsSupervisor({ kind: 'praise', agentId: 'a-1' })).toBe(false);
  });
});
