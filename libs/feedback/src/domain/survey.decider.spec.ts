import { FeedbackRuleError } from './rules';
import {
  SurveyCommand,
  SurveyEvent,
  SurveySentData,
  decideSurvey,
  evolveSurvey,
  initialSurveyState,
  isLowScore,
  satisfactionOf,
  surveyTimes,
  validateSurveySettings,
} from './survey';

const SENT: SurveySentData = {
  surveyId: 's-1',
  ticketId: 't-1',
  solveEventId: 'e-1',
  tokenHash: 'h',
  agentId: 'agent-1',
  tier: 'L1',
  category: 'refund',
  channel: 'phone',
  solvedAt: '2026-01-01T09:00:00.000Z',
  remindAt: '2026-01-02T10:00:00.000Z',
  expiresAt: '2026-01-08T10:00:00.000Z',
  at: '2026-01-01T10:00:00.000Z',
};

/** given events, when a command, then events (or a refusal). */
function given(...events: SurveyEvent[]) {
  const state = events.reduce(evolveSurvey, initialSurveyState());
  return { when: (c: SurveyCommand) => () => decideSurvey(c, state) };
}

const sent: SurveyEvent = { type: 'SurveySent', data: SENT };
const before = '2026-01-03T00:00:00.000Z';
const after = '2026-01-09T00:00:00.000Z';

function refusal(f: () => unknown): FeedbackRuleError {
  try {
    f();
  } catch (e) {
    if (e instanceof FeedbackRuleError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('survey decider', () => {
  it('sends once: a repeated send job decides nothing', () => {
    const { at: _at, ...data } = SENT;
    expect(given().when({ type: 'SendSurvey', now: SENT.at, data })()).toEqual([sent]);
    expect(given(sent).when({ type: 'SendSurvey', now: SENT.at, data })()).toEqual([]);
  });

  it('reminds once, and not after an answer or the expiry', () => {
    const remind = (now: string): SurveyCommand => ({ type: 'RemindSurvey', now });
    expect(given(sent).when(remind(before))()).toEqual([
      { type: 'SurveyReminderSent', data: { at: before } },
    ]);
    expect(given(sent, { type: 'SurveyReminderSent', data: { at: before } }).when(remind(before))()).toEqual(
      [],
    );
    expect(
      given(sent, { type: 'SurveyResponded', data: { score: 5, at: before } }).when(remind(before))(),
    ).toEqual([]);
    expect(given(sent).when(remind(after))()).toEqual([]);
  });

  it('expires only once due and only while unanswered', () => {
    const expire = (now: string): SurveyCommand => ({ type: 'ExpireSurvey', now });
    expect(given(sent).when(expire(before))()).toEqual([]);
    expect(given(sent).when(expire(after))()).toEqual([{ type: 'SurveyExpired', data: { at: after } }]);
    expect(
      given(sent, { type: 'SurveyResponded', data: { score: 4, at: before } }).when(expire(after))(),
    ).toEqual([]);
  });

  it('takes one answer with a trimmed comment', () => {
    const answer = given(sent).when({
      type: 'RespondToSurvey',
      now: before,
      data: { score: 2, comment: '  slow  ' },
    });
    expect(answer()).toEqual([{ type: 'SurveyResponded', data: { score: 2, comment: 'slow', at: before } }]);
  });

  it('refuses a second answer (survey_already_answered) and a late one (survey_expired)', () => {
    const respond: SurveyCommand = { type: 'RespondToSurvey', now: before, data: { score: 5 } };
    const answered: SurveyEvent = { type: 'SurveyResponded', data: { score: 4, at: before } };
    expect(refusal(given(sent, answered).when(respond)).code).toBe('survey_already_answered');
    expect(refusal(given(sent, { type: 'SurveyExpired', data: { at: after } }).when(respond)).code).toBe(
      'survey_expired',
    );
    // Past expiresAt even before the expiry job ran.
    expect(refusal(given(sent).when({ ...respond, now: after })).code).toBe('survey_expired');
  });

  it.each([0, 6, 2.5, '5', null])('refuses score %p with the field named', (score) => {
    const e = refusal(given(sent).when({ type: 'RespondToSurvey', now: before, data: { score } }));
    expect(e.code).toBe('validation_failed');
    expect(e.errors.map((x) => x.field)).toEqual(['score']);
  });

  it('refuses an over-long comment', () => {
    const e = refusal(
      given(sent).when({
        type: 'RespondToSurvey',
        now: before,
        data: { score: 3, comment: 'x'.repeat(2001) },
      }),
    );
    expect(e.errors.map((x) => x.field)).toEqual(['comment']);
  });

  it('treats scores 1 and 2 as low', () => {
    expect([1, 2, 3, 4, 5].map(isLowScore)).toEqual([true, true, false, false, false]);
  });
});

describe('survey settings', () => {
  it('accepts whole seconds with the reminder before the expiry', () => {
    expect(
      validateSurveySettings({ delaySeconds: 0, reminderAfterSeconds: 10, expiresAfterSeconds: 20 }),
    ).toEqual({
      delaySeconds: 0,
      reminderAfterSeconds: 10,
      expiresAfterSeconds: 20,
    });
  });

  it('names every bad field', () => {
    const e = refusal(() =>
      validateSurveySettings({ delaySeconds: -1, reminderAfterSeconds: 1.5, expiresAfterSeconds: 'x' }),
    );
    expect(e.errors.map((x) => x.field)).toEqual([
      'delaySeconds',
      'reminderAfterSeconds',
      'expiresAfterSeconds',
    ]);
    const order = refusal(() =>
      validateSurveySettings({ delaySeconds: 1, reminderAfterSeconds: 20, expiresAfterSeconds: 20 }),
    );
    expect(order.errors.map((x) => x.field)).toEqual(['reminderAfterSeconds']);
  });

  it('derives reminder and expiry from the sending time', () => {
    expect(
      surveyTimes('2026-01-01T00:00:00.000Z', {
        delaySeconds: 1,
        reminderAfterSeconds: 60,
        expiresAfterSeconds: 120,
      }),
    ).toEqual({ remindAt: '2026-01-01T00:01:00.000Z', expiresAt: '2026-01-01T00:02:00.000Z' });
  });
});

describe('satisfaction figures', () => {
  it('counts responses, averages and the share of 4–5', () => {
    expect(satisfactionOf([5, 4, 2, 1])).toEqual({ responses: 4, averageScore: 3, csat: 0.5 });
    expect(satisfactionOf([])).toEqual({ responses: 0, averageScore: null, csat: null });
  });
});
