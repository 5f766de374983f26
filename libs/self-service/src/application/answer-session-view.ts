import { Category, Channel, Priority } from '@kefu/kernel';
import { AnswerStatus, ShownArticle } from '../domain/answer-session.events';

/** A session as the APIs show it (question sealed until PiiVault.reveal opens it). */
export interface AnswerSessionView {
  id: string;
  status: AnswerStatus;
  question: string;
  language: string;
  languageSource: string;
  detectedLanguage: string;
  suggestedCategory: Category;
  categoryConfidence: number;
  suggestedPriority: Priority;
  priorityReason: string;
  articles: ShownArticle[];
  channel: Channel;
  customerId: string | null;
  askedBy: { kind: string; id: string | null };
  acceptedArticleId: string | null;
  ticketId: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface AnswerSessionRow {
  id: string;
  status: AnswerStatus;
  question: string;
  language: string;
  language_source: string;
  detected_language: string;
  category: Category;
  category_confidence: number;
  priority: Priority;
  priority_reason: string;
  articles: ShownArticle[];
  channel: Channel;
  customer_id: string | null;
  asked_by_kind: string;
  asked_by_id: string | null;
  accepted_article_id: string | null;
  ticket_id: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const ANSWER_SESSION_COLUMNS = `id, status, question, language, language_source, detected_language, category,
  category_confidence, priority, priority_reason, articles, channel, customer_id, asked_by_kind, asked_by_id,
  accepted_article_id, ticket_id, created_at, updated_at, version`;

export function toAnswerSessionView(r: AnswerSessionRow): AnswerSessionView {
  return {
    id: r.id,
    status: r.status,
    question: r.question,
    language: r.language,
    languageSource: r.language_source,
    detectedLanguage: r.detected_language,
    suggestedCategory: r.category,
    categoryConfidence: r.category_confidence,
    suggestedPriority: r.priority,
    priorityReason: r.priority_reason,
    articles: r.articles,
    channel: r.channel,
    customerId: r.customer_id,
    askedBy: { kind: r.asked_by_kind, id: r.asked_by_id },
    acceptedArticleId: r.accepted_article_id,
    ticketId: r.ticket_id,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    version: r.version,
  };
}
