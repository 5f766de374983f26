import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx, updateIfNewer } from '@kefu/platform';
import { SURVEY_STREAM_TYPE, SurveyRespondedData, SurveySentData, SurveySettings } from '../domain/survey';

export const SURVEY_SETTINGS_STREAM_TYPE = 'survey-settings';
export const SURVEY_SETTINGS_STREAM_ID = 'survey-settings';
export const SURVEY_SETTINGS_UPDATED = 'SurveySettingsUpdated';
export type SurveySettingsUpdatedData = SurveySettings & { at: string };

/** survey_view: one row per survey (inline, in the command's transaction). */
@Injectable()
export class SurveyViewProjection implements Projection {
  readonly name = 'survey-view';
  readonly tables = ['survey_view'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (e.streamType !== SURVEY_STREAM_TYPE) continue;
      const v = e.streamPosition;
      switch (e.type) {
        case 'SurveySent': {
          const d = e.data as SurveySentData;
          await tx.execute(
            `INSERT INTO survey_view (id, ticket_id, solve_event_id, sent_event_id, token_hash, status,
                sent_at, remind_at, expires_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, 'sent', $6, $7, $8, $6, $9) ON CONFLICT (id) DO NOTHING`,
            [
              d.surveyId,
              d.ticketId,
              d.solveEventId,
              e.eventId,
              d.tokenHash,
              d.at,
              d.remindAt,
              d.expiresAt,
              v,
            ],
          );
          break;
        }
        case 'SurveyReminderSent': {
          const at = (e.data as { at: string }).at;
          await updateIfNewer(tx, 'survey_view', e.streamId, v, at, 'reminded_at = $4', [at]);
          break;
        }
        case 'SurveyResponded': {
          const d = e.data as SurveyRespondedData;
          await updateIfNewer(
            tx,
            'survey_view',
            e.streamId,
            v,
            d.at,
            `status = 'responded', responded_at = $4, score = $5, comment = $6`,
            [d.at, d.score, d.comment ?? null],
          );
          break;
        }
        case 'SurveyExpired': {
          const at = (e.data as { at: string }).at;
          await updateIfNewer(tx, 'survey_view', e.streamId, v, at, `status = 'expired', expired_at = $4`, [
            at,
          ]);
          break;
        }
      }
    }
  }
}

/** survey_settings: the latest SurveySettingsUpdated (no row = the defaults). */
@Injectable()
export class SurveySettingsProjection implements Projection {
  readonly name = 'survey-settings';
  readonly tables = ['survey_settings'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (e.streamType !== SURVEY_SETTINGS_STREAM_TYPE || e.type !== SURVEY_SETTINGS_UPDATED) continue;
      const d = e.data as SurveySettingsUpdatedData;
      await tx.execute(
        `INSERT INTO survey_settings (id, delay_seconds, reminder_after_seconds, expires_after_seconds, updated_at)
         VALUES (1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET delay_seconds = $1, reminder_after_seconds = $2,
           expires_after_seconds = $3, updated_at = $4`,
        [d.delaySeconds, d.reminderAfterSeconds, d.expiresAfterSeconds, d.at],
      );
    }
  }
}
