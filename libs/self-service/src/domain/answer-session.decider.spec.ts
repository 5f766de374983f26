import { deciderSpec } from '@kefu/test-fixtures/domain';
import { answerSessionDecider } from './answer-session.decider';
import { AnswerSessionCommand, AnswerSessionEvent, Asker, SuggestAnswers } from './answer-session.events';

const given = deciderSpec(answerSessionDecider);
const NOW = '2026-11-23T10:00:00.000Z';
const LATER = '2026-11-23T10:05:00.000Z';
const alice: Asker = { kind: 'customer', id: 'u-1', customerId: 'acc-1' };
const bob: Asker = { kind: 'customer', id: 'u-2', customerId: 'acc-2' };
const partner: Asker = { kind: 'partner', id: 'chat-vendor' };
const otherPartner: Asker = { kind: 'partner', id: 'ivr' };
const anonymous: Asker = { kind: 'anonymous' };

const article = (id: string) => ({
  articleId: id,
  title: `Article ${id}`,
  category: 'payment_failed' as const,
  language: 'en',
  score: 0.7,
  snippet: 'Check your balance.',
});

const suggestCmd = (asker: Asker, customerId?: string): SuggestAnswers => ({
  type: 'SuggestAnswers',
  now: NOW,
  data: {
    asker,
    sessionId: 's-1',
    question: 'Why did my payment fail?',
    language: 'en',
    languageSource: 'detector',
    detectedLanguage: 'en',
    suggestedCategory: 'payment_failed',
    categoryConfidence: 0.9,
    suggestedPriority: 'normal',
    priorityReason: 'category',
    articles: [article('a-1'), article('a-2')],
    channel: 'web',
    ...(customerId ? { customerId } : {}),
  },
});
const suggested = (asker: Asker, customerId?: string): AnswerSessionEvent[] =>
  given().when(suggestCmd(asker, customerId)).events();

const acceptCmd = (asker: Asker, articleId = 'a-1', tokenValid = false): AnswerSessionCommand => ({
  type: 'AcceptAnswer',
  now: LATER,
  data: { asker, tokenValid, articleId },
});
const handOverCmd = (asker: Asker, over: Partial<Record<string, unknown>> = {}): AnswerSessionCommand =>
  ({
    type: 'HandOverToHuman',
    now: LATER,
    data: {
      asker,
      tokenValid: false,
      ticketId: 't-1',
      category: 'payment_failed',
      priority: 'normal',
      customerId: 'acc-1',
      ...over,
    },
  }) as AnswerSessionCommand;

describe('SuggestAnswers', () => {
  it('records the question, the suggestion and who asked', () => {
    const [e] = suggested(alice, 'acc-1');
    expect(e).toMatchObject({
      type: 'AnswersSuggested',
      data: { sessionId: 's-1', customerId: 'acc-1', askedBy: { kind: 'customer', id: 'u-1' }, at: NOW },
    });
    expect(suggested(anonymous)[0].data).toMatchObject({ askedBy: { kind: 'anonymous' } });
    expect(suggested(anonymous)[0].data).not.toHaveProperty('customerId');
  });

  it('refuses a customer asking for another account, an empty question, a bad channel', () => {
    given().when(suggestCmd(alice, 'acc-2')).thenThrows('forbidden');
    const bad = suggestCmd(partner);
    given()
      .when({ ...bad, data: { ...bad.data, question: '', channel: 'fax' as 'web' } })
      .thenThrows('validation_failed', 'channel');
    given()
      .when(suggestCmd(partner))
      .thenState({ status: 'suggested', askedBy: { kind: 'partner', id: 'chat-vendor' } });
    given(suggested(partner)).when(suggestCmd(partner)).thenThrows('invalid_transition');
  });
});

describe('AcceptAnswer (a deflection)', () => {
  it('resolves the session by one of the shown articles', () => {
    given(suggested(alice, 'acc-1'))
      .when(acceptCmd(alice, 'a-2'))
      .then([
        {
          type: 'AnswerAccepted',
          data: { articleId: 'a-2', by: { kind: 'customer', id: 'u-1' }, at: LATER },
        },
      ]);
    given(suggested(alice, 'acc-1'))
      .when(acceptCmd(alice, 'a-9'))
      .thenThrows('validation_failed', 'articleId');
  });

  it('is the asker’s alone: another customer or partner, or a visitor without the token, finds nothing', () => {
    given(suggested(alice, 'acc-1')).when(acceptCmd(bob)).thenThrows('not_found');
    given(suggested(partner)).when(acceptCmd(otherPartner)).thenThrows('not_found');
    given(suggested(anonymous)).when(acceptCmd(anonymous)).thenThrows('not_found');
    given(suggested(anonymous))
      .when(acceptCmd(anonymous, 'a-1', true))
      .thenState({ status: 'deflected' });
    // A signed-in customer with the token of their anonymous session may act on it too.
    given(suggested(anonymous))
      .when(acceptCmd(bob, 'a-1', true))
      .thenState({ status: 'deflected' });
    // A customer named by a partner's session is its customer.
    given(suggested(partner, 'acc-1')).when(acceptCmd(alice)).thenState({ acceptedArticleId: 'a-1' });
    given().when(acceptCmd(alice)).thenThrows('not_found');
  });

  it('accepting the same article again changes nothing; another one, or after a handover, is refused', () => {
    const deflected = [
      ...suggested(alice, 'acc-1'),
      ...given(suggested(alice, 'acc-1')).when(acceptCmd(alice)).events(),
    ];
    given(deflected).when(acceptCmd(alice)).then([]);
    given(deflected).when(acceptCmd(alice, 'a-2')).thenThrows('invalid_transition');
    const handed = [...deflected, ...given(deflected).when(handOverCmd(alice)).events()];
    given(handed).when(acceptCmd(alice)).thenThrows('invalid_transition');
  });
});

describe('HandOverToHuman', () => {
  it('records the ticket, also after a deflection that did not hold', () => {
    given(suggested(alice, 'acc-1'))
      .when(handOverCmd(alice))
      .thenState({ status: 'handed_over', ticketId: 't-1', customerId: 'acc-1' });
    const deflected = [
      ...suggested(alice, 'acc-1'),
      ...given(suggested(alice, 'acc-1')).when(acceptCmd(alice)).events(),
    ];
    given(deflected).when(handOverCmd(alice)).thenState({ status: 'handed_over' });
  });

  it('is final, needs a known customer, and an anonymous visitor must sign in first', () => {
    const handed = [
      ...suggested(alice, 'acc-1'),
      ...given(suggested(alice, 'acc-1')).when(handOverCmd(alice)).events(),
    ];
    given(handed)
      .when(handOverCmd(alice, { ticketId: 't-2' }))
      .thenThrows('invalid_transition');
    given(suggested(anonymous))
      .when(handOverCmd(anonymous, { tokenValid: true }))
      .thenThrows('forbidden');
    given(suggested(partner))
      .when(handOverCmd(partner, { customerId: '' }))
      .thenThrows('validation_failed', 'customer.id');
    given(suggested(partner, 'acc-1'))
      .when(handOverCmd(partner, { customerId: 'acc-2' }))
      .thenThrows('validation_failed', 'customer.id');
    given(suggested(alice, 'acc-1'))
      .when(handOverCmd(alice, { category: 'weather' }))
      .thenThrows('validation_failed', 'category');
    // The customer who claims an anonymous session with its token becomes its customer.
    given(suggested(anonymous))
      .when(handOverCmd(bob, { tokenValid: true, customerId: 'acc-2' }))
      .thenState({ customerId: 'acc-2', status: 'handed_over' });
  });
});
