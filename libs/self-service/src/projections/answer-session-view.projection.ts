import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx, updateIfNewer } from '@kefu/platform';
import { ANSWER_SESSION_STREAM_TYPE, AnswerSessionEvent } from '../domain/answer-session.events';

/** answer_session_view: one row per session, inline (in the command's transaction), rebuildable. */
@Injectable()
export class AnswerSessionViewProjection implements Projection {
  readonly name = 'answer-session-view';
  readonly tables = ['answer_session_view'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const s of events) {
      if (s.streamType !== ANSWER_SESSION_STREAM_TYPE) continue;
      const e = { type: s.type, data: s.data } as AnswerSessionEvent;
      const v = s.streamPosition;
      switch (e.type) {
        case 'AnswersSuggested': {
          const d = e.data;
          await tx.execute(
            `INSERT INTO answer_session_view (id, status, question, language, language_source, detected_language,
               category, category_confidence, priority, priority_reason, articles, channel, customer_id,
               asked_by_kind, asked_by_id, created_at, updated_at, version)
             VALUES ($1, 'suggested', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)
             ON CONFLICT (id) DO NOTHING`,
            [
              s.streamId,
              d.question,
              d.language,
              d.languageSource,
              d.detectedLanguage,
              d.suggestedCategory,
              d.categoryConfidence,
              d.suggestedPriority,
              d.priorityReason,
              JSON.stringify(d.articles),
              d.channel,
              d.customerId ?? null,
              d.askedBy.kind,
              d.askedBy.id ?? null,
              d.at,
              v,
            ],
          );
          break;
        }
        case 'AnswerAccepted':
          await updateIfNewer(
            tx,
            'answer_session_view',
            s.streamId,
            v,
            e.data.at,
            `status = 'deflected', accepted_article_id = $4`,
            [e.data.articleId],
          );
          break;
        case 'HandedOverToHuman':
          await updateIfNewer(
            tx,
            'answer_session_view',
            s.streamId,
            v,
            e.data.at,
            `status = 'handed_over', ticket_id = $4, customer_id = $5, question = coalesce($6, question)`,
            [e.data.ticketId, e.data.customerId, e.data.question ?? null],
          );
          break;
      }
    }
  }
}
