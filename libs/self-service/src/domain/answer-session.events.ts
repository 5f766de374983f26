// A self-service answer session: a customer's question, what Kefu suggested, and how it ended —
// resolved by an article (a deflection: no ticket) or handed over to a person (a ticket that starts
// with everything the customer already said and saw). No outcome recorded = left without saying.
import { DomainEvent, Category, Channel, Priority } from '@kefu/kernel';
import { LanguageSource } from './language';
import { PriorityReason } from './priority';

export const ANSWER_SESSION_STREAM_TYPE = 'answer-session';
export const ANSWER_STATUSES = ['suggested', 'deflected', 'handed_over'] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];
export const QUESTION_MAX_CHARS = 1000;
export const COMMENT_MAX_CHARS = 5000;

/** Who asked. Anonymous visitors of the help centre prove a session is theirs with its token. */
export type Asker =
  | { kind: 'customer'; id: string; customerId: string }
  | { kind: 'partner'; id: string }
  | { kind: 'anonymous' };

/** An article as it was shown (title and snippet as of then; the article may change later). */
export interface ShownArticle {
  articleId: string;
  title: string;
  category: Category;
  language: string;
  score: number;
  snippet: string;
}

export interface AnswersSuggestedData {
  sessionId: string;
  /** The customer's words: personal data, sealed with the customer's key (a session key if anonymous). */
  question: string;
  language: string;
  languageSource: LanguageSource | 'given';
  /** What the detector said, whatever the caller stated. */
  detectedLanguage: string;
  suggestedCategory: Category;
  categoryConfidence: number;
  suggestedPriority: Priority;
  priorityReason: PriorityReason;
  articles: ShownArticle[];
  channel: Channel;
  /** The wallet account, when known (customers; partners that name one). */
  customerId?: string;
  askedBy: { kind: Asker['kind']; id?: string };
  at: string;
}

export interface AnswerAcceptedData {
  articleId: string;
  by: { kind: Asker['kind']; id?: string };
  at: string;
}

export interface HandedOverToHumanData {
  ticketId: string;
  category: Category;
  priority: Priority;
  customerId: string;
  /** An anonymous session's question, sealed again with the customer's key once they are known. */
  question?: string;
  by: { kind: Asker['kind']; id?: string };
  at: string;
}

export type AnswersSuggested = DomainEvent<'AnswersSuggested', AnswersSuggestedData>;
export type AnswerAccepted = DomainEvent<'AnswerAccepted', AnswerAcceptedData>;
export type HandedOverToHuman = DomainEvent<'HandedOverToHuman', HandedOverToHumanData>;
export type AnswerSessionEvent = AnswersSuggested | AnswerAccepted | HandedOverToHuman;

/** A command: no platform Actor here, since anonymous visitors ask too (the Asker says who). */
export interface SessionCommand<T extends string, D> {
  type: T;
  data: D;
  now: string;
}

/** The suggestion (computed by suggest.ts before deciding) and what the caller sent. */
export type SuggestAnswers = SessionCommand<
  'SuggestAnswers',
  Omit<AnswersSuggestedData, 'askedBy' | 'at' | 'customerId'> & { asker: Asker; customerId?: string }
>;
/** `tokenValid`: the caller showed the session's token (checked by the application, which holds the key). */
export type AcceptAnswer = SessionCommand<
  'AcceptAnswer',
  { asker: Asker; tokenValid: boolean; articleId: string }
>;
export type HandOverToHuman = SessionCommand<
  'HandOverToHuman',
  {
    asker: Asker;
    tokenValid: boolean;
    ticketId: string;
    category: Category;
    priority: Priority;
    customerId: string;
    question?: string;
  }
>;
export type AnswerSessionCommand = SuggestAnswers | AcceptAnswer | HandOverToHuman;
