import { Injectable } from '@nestjs/common';
import { EventConsumer, Projection, StoredEvent, Tx } from '@kefu/platform';
import { SURVEY_STREAM_TYPE, SurveyRespondedData, SurveySentData } from '../domain/survey';

/**
 * Satisfaction facts, one row per sent survey (async: an EventConsumer with its checkpoint in the
 * same transaction; also a Projection, so `projections rebuild` replays it). Only survey answers
 * count: free feedback never enters these figures. Rows are keyed by survey and written with
 * idempotent statements, so a replayed batch changes nothing.
 */
@Injectable()
export class SatisfactionProjector implements EventConsumer, Projection {
  readonly name = 'satisfaction';
  readonly tables = ['satisfaction_surveys'] as const;
  readonly batchSize = 500;

  handle(events: StoredEvent[], tx: Tx): Promise<void> {
    return this.apply(tx, events);
  }

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (e.streamType !== SURVEY_STREAM_TYPE) continue;
      if (e.type === 'SurveySent') {
        const d = e.data as SurveySentData;
        await tx.execute(
          `INSERT INTO satisfaction_surveys (survey_id, ticket_id, agent_id, tier, category, channel, sent_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (survey_id) DO NOTHING`,
          [d.surveyId, d.ticketId, d.agentId ?? null, d.tier, d.category, d.channel, d.at],
        );
      } else if (e.type === 'SurveyResponded') {
        const d = e.data as SurveyRespondedData;
        await tx.execute(
          `UPDATE satisfaction_surveys SET score = $2, responded_at = $3 WHERE survey_id = $1`,
          [e.streamId, d.score, d.at],
        );
      }
    }
  }
}
