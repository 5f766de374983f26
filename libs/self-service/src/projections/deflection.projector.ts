import { Injectable } from '@nestjs/common';
import { EventConsumer, Projection, StoredEvent, Tx } from '@kefu/platform';
import { ANSWER_SESSION_STREAM_TYPE, AnswerSessionEvent } from '../domain/answer-session.events';

/**
 * The deflection report's facts, one row per answer session (async: an EventConsumer with its
 * checkpoint in the same transaction; also a Projection, so `projections rebuild` replays it). The
 * category is the one the ticket was filed under when the customer corrected it at handover.
 * Updates are guarded by the stream version: a replayed batch changes nothing.
 */
@Injectable()
export class DeflectionProjector implements EventConsumer, Projection {
  readonly name = 'deflection';
  readonly tables = ['deflection_sessions'] as const;
  readonly batchSize = 500;

  handle(events: StoredEvent[], tx: Tx): Promise<void> {
    return this.apply(tx, events);
  }

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const s of events) {
      if (s.streamType !== ANSWER_SESSION_STREAM_TYPE) continue;
      const e = { type: s.type, data: s.data } as AnswerSessionEvent;
      const v = s.streamPosition;
      switch (e.type) {
        case 'AnswersSuggested':
          await tx.execute(
            `INSERT INTO deflection_sessions (session_id, category, language, channel, articles_shown, outcome, suggested_at, version)
             VALUES ($1, $2, $3, $4, $5, 'none', $6, $7) ON CONFLICT (session_id) DO NOTHING`,
            [
              s.streamId,
              e.data.suggestedCategory,
              e.data.language,
              e.data.channel,
              e.data.articles.length,
              e.data.at,
              v,
            ],
          );
          break;
        case 'AnswerAccepted':
          await tx.execute(
            `UPDATE deflection_sessions SET outcome = 'deflected', outcome_at = $3, version = $2
              WHERE session_id = $1 AND version < $2`,
            [s.streamId, v, e.data.at],
          );
          break;
        case 'HandedOverToHuman':
          await tx.execute(
            `UPDATE deflection_sessions SET outcome = 'handed_over', outcome_at = $3, category = $4, version = $2
              WHERE session_id = $1 AND version < $2`,
            [s.streamId, v, e.data.at, e.data.category],
          );
          break;
      }
    }
  }
}
