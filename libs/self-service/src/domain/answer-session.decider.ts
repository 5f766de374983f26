// The answer session's rules: suggested → deflected (the customer says an article solved it) or
// handed_over (a ticket opened with the question). A deflection that did not hold may still be
// handed over; a handover is final. Only the asker may record an outcome: the customer (by account),
// the partner that asked, or an anonymous visitor holding the session's token.
import {
  Decider,
  DomainRuleError,
  Violations,
  normaliseLanguageTag,
  requiredText,
  CATEGORIES,
  CHANNELS,
  Category,
  PRIORITIES,
} from '@kefu/kernel';
import {
  AcceptAnswer,
  AnswerSessionCommand,
  AnswerSessionEvent,
  AnswerStatus,
  Asker,
  HandOverToHuman,
  QUESTION_MAX_CHARS,
  ShownArticle,
  SuggestAnswers,
} from './answer-session.events';

export interface AnswerSessionState {
  exists: boolean;
  status: AnswerStatus;
  customerId?: string;
  askedBy: { kind: Asker['kind']; id?: string };
  articles: ShownArticle[];
  acceptedArticleId?: string;
  ticketId?: string;
}

const initialState = (): AnswerSessionState => ({
  exists: false,
  status: 'suggested',
  askedBy: { kind: 'anonymous' },
  articles: [],
});

function evolve(s: AnswerSessionState, e: AnswerSessionEvent): AnswerSessionState {
  switch (e.type) {
    case 'AnswersSuggested':
      return {
        exists: true,
        status: 'suggested',
        askedBy: e.data.askedBy,
        articles: e.data.articles,
        ...(e.data.customerId ? { customerId: e.data.customerId } : {}),
      };
    case 'AnswerAccepted':
      return { ...s, status: 'deflected', acceptedArticleId: e.data.articleId };
    case 'HandedOverToHuman':
      return { ...s, status: 'handed_over', ticketId: e.data.ticketId, customerId: e.data.customerId };
  }
}

function decide(c: AnswerSessionCommand, s: AnswerSessionState): AnswerSessionEvent[] {
  if (c.type === 'SuggestAnswers') return suggestAnswers(c, s);
  if (!s.exists || !mayAct(s, c.data.asker, c.data.tokenValid))
    throw DomainRuleError.notFound('Answer session');
  return c.type === 'AcceptAnswer' ? accept(c, s) : handOver(c, s);
}

export const answerSessionDecider: Decider<AnswerSessionState, AnswerSessionCommand, AnswerSessionEvent> = {
  initialState,
  evolve,
  decide,
};

/** Whose session it is; anyone else learns nothing (not found). */
export function mayAct(s: AnswerSessionState, asker: Asker, tokenValid: boolean): boolean {
  switch (asker.kind) {
    case 'customer':
      return s.customerId === asker.customerId || (s.customerId === undefined && tokenValid);
    case 'partner':
      return s.askedBy.kind === 'partner' && s.askedBy.id === asker.id;
    case 'anonymous':
      return s.customerId === undefined && tokenValid;
  }
}

/** The question as asked: trimmed, 1 to QUESTION_MAX_CHARS characters. */
export function validateQuestion(v: Violations, question: unknown): string {
  return requiredText(v, 'question', question, QUESTION_MAX_CHARS);
}

/** A stated language: a BCP 47 tag, normalised (`zh-cn` → `zh-CN`). */
export function validateLanguage(v: Violations, language: unknown): string | undefined {
  if (language === undefined || language === null) return undefined;
  const tag = typeof language === 'string' ? normaliseLanguageTag(language) : undefined;
  if (!tag) v.add('language', 'must be a BCP 47 language tag such as en or zh-CN');
  return tag;
}

function suggestAnswers(c: SuggestAnswers, s: AnswerSessionState): AnswerSessionEvent[] {
  if (s.exists) throw DomainRuleError.invalidTransition('This answer session already exists.');
  const { asker, ...d } = c.data;
  const v = new Violations();
  if (!d.question) v.add('question', 'must not be empty');
  if (!(CHANNELS as readonly string[]).includes(d.channel))
    v.add('channel', `must be one of ${CHANNELS.join(', ')}`);
  if (d.customerId !== undefined && !d.customerId.trim()) v.add('customer.id', 'must not be empty');
  v.throwIfAny();
  if (asker.kind === 'customer' && d.customerId !== asker.customerId)
    throw DomainRuleError.forbidden('Customers ask for their own account only.');
  return [
    {
      type: 'AnswersSuggested',
      data: {
        ...d,
        askedBy: asker.kind === 'anonymous' ? { kind: 'anonymous' } : { kind: asker.kind, id: asker.id },
        at: c.now,
      },
    },
  ];
}

function accept(c: AcceptAnswer, s: AnswerSessionState): AnswerSessionEvent[] {
  const { articleId, asker } = c.data;
  if (s.status === 'handed_over')
    throw DomainRuleError.invalidTransition(
      `This session was handed over to a person (ticket ${s.ticketId}).`,
    );
  if (!s.articles.some((a) => a.articleId === articleId))
    throw DomainRuleError.validation([
      { field: 'articleId', message: 'is not one of the articles this session showed' },
    ]);
  if (s.status === 'deflected') {
    if (s.acceptedArticleId === articleId) return [];
    throw DomainRuleError.invalidTransition(
      `This session was already resolved by article ${s.acceptedArticleId}.`,
    );
  }
  return [{ type: 'AnswerAccepted', data: { articleId, by: byOf(asker), at: c.now } }];
}

function handOver(c: HandOverToHuman, s: AnswerSessionState): AnswerSessionEvent[] {
  const { asker, tokenValid: _, ...d } = c.data;
  if (asker.kind === 'anonymous')
    throw DomainRuleError.forbidden('Sign in (or ask through a partner channel) to talk to a person.');
  if (s.status === 'handed_over')
    throw DomainRuleError.invalidTransition(`This session was already handed over (ticket ${s.ticketId}).`);
  const v = new Violations();
  if (!(CATEGORIES as readonly string[]).includes(d.category))
    v.add('category', `must be one of ${CATEGORIES.join(', ')}`);
  if (!(PRIORITIES as readonly string[]).includes(d.priority))
    v.add('priority', `must be one of ${PRIORITIES.join(', ')}`);
  if (!d.ticketId) v.add('ticketId', 'must not be empty');
  if (!d.customerId) v.add('customer.id', 'is required: the ticket needs the wallet account');
  v.throwIfAny();
  if (s.customerId !== undefined && d.customerId !== s.customerId)
    throw DomainRuleError.validation([{ field: 'customer.id', message: "is not this session's customer" }]);
  return [
    {
      type: 'HandedOverToHuman',
      data: { ...d, category: d.category as Category, by: byOf(asker), at: c.now },
    },
  ];
}

function byOf(asker: Asker): { kind: Asker['kind']; id?: string } {
  return asker.kind === 'anonymous' ? { kind: 'anonymous' } : { kind: asker.kind, id: asker.id };
}
