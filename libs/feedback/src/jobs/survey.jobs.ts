import { JobMeta, JobName, QueueName, StoredEvent, TimerJobRun, defineTimerJob, jobId } from '@kefu/platform';
import { TICKET_STREAM_TYPE, TicketStatusChangedData } from '@kefu/tickets';
import { SURVEY_STREAM_TYPE, SurveySentData, SurveySettings } from '../domain/survey';
import { SURVEY_SETTINGS_UPDATED, SurveySettingsUpdatedData } from '../projections/survey.projections';
import { SurveysService } from '../application/surveys.service';

export interface SendSurveyJobData {
  ticketId: string;
  solveEventId: string;
  meta?: JobMeta;
}
export interface SurveyTimerJobData {
  surveyId: string;
  meta?: JobMeta;
}

/** The send job of a solve, due `delaySeconds` after it. */
function sendJob(ticketId: string, solveEventId: string, solvedAt: string, delaySeconds: number) {
  const data: SendSurveyJobData = { ticketId, solveEventId };
  return {
    name: JobName.SendSurvey,
    jobId: jobId('survey-send', solveEventId),
    data,
    runAt: new Date(Date.parse(solvedAt) + delaySeconds * 1000),
  };
}

/** The reminder and the expiry of a sent survey, keyed by its SurveySent event. */
function remindJob(surveyId: string, sentEventId: string, remindAt: Date) {
  const data: SurveyTimerJobData = { surveyId };
  return { name: JobName.SurveyReminder, jobId: jobId('survey-remind', sentEventId), data, runAt: remindAt };
}
function expireJob(surveyId: string, sentEventId: string, expiresAt: Date) {
  const data: SurveyTimerJobData = { surveyId };
  return { name: JobName.ExpireSurvey, jobId: jobId('survey-expire', sentEventId), data, runAt: expiresAt };
}

/**
 * Survey timers from the log: a solve → the send job after `delaySeconds`; a sent survey → its
 * reminder and expiry at the times the SurveySent event carries. `settings()` is the delay in force
 * at this point of the log: the route follows SurveySettingsUpdated events as it meets them.
 */
export function surveyRoute(settings: { current: SurveySettings }) {
  return (e: StoredEvent) => {
    if (e.type === SURVEY_SETTINGS_UPDATED) {
      const d = e.data as SurveySettingsUpdatedData;
      settings.current = {
        delaySeconds: d.delaySeconds,
        reminderAfterSeconds: d.reminderAfterSeconds,
        expiresAfterSeconds: d.expiresAfterSeconds,
      };
      return undefined;
    }
    if (e.streamType === TICKET_STREAM_TYPE && e.type === 'TicketStatusChanged') {
      const d = e.data as TicketStatusChangedData;
      if (d.to !== 'solved') return undefined;
      return [sendJob(e.streamId, e.eventId, d.at, settings.current.delaySeconds)];
    }
    if (e.streamType === SURVEY_STREAM_TYPE && e.type === 'SurveySent') {
      const d = e.data as SurveySentData;
      return [
        remindJob(e.streamId, e.eventId, new Date(d.remindAt)),
        expireJob(e.streamId, e.eventId, new Date(d.expiresAt)),
      ];
    }
    return undefined;
  };
}

/**
 * The surveys queue: send, remind, expire. Each re-checks the state; the inbox absorbs repeats.
 * After Redis lost its jobs: recent solves without their survey get the send job back, and every
 * survey still out gets its reminder (if not yet sent) and expiry, with the dispatcher's job ids.
 */
export const SurveyJobs = defineTimerJob({
  name: 'feedback.surveys',
  queue: QueueName.Surveys,
  inject: { surveys: SurveysService },
  inboxHandler: (job) => `feedback.${job}`,
  route: async ({ surveys }) => surveyRoute({ current: await surveys.settings() }),
  async reconcile({ pages, add }, { surveys }) {
    const settings = await surveys.settings();
    const horizon = settings.delaySeconds + settings.expiresAfterSeconds;
    for await (const solves of pages<{ stream_id: string; event_id: string; at: string }>({
      sql: `SELECT t.id AS stream_id, s.event_id, s.at
              FROM ticket_view t
              CROSS JOIN LATERAL (
                SELECT e.event_id::text AS event_id, e.data->>'at' AS at FROM es_events e
                 WHERE e.stream_id = t.id AND e.event_type = 'TicketStatusChanged' AND e.data->>'to' = 'solved'
                 ORDER BY e.stream_position DESC LIMIT 1) s
             WHERE t.status IN ('solved', 'closed') AND t.solved_at > now() - make_interval(secs => $3)
               AND t.id > $1
               AND NOT EXISTS (SELECT 1 FROM survey_view v WHERE v.solve_event_id = s.event_id)
             ORDER BY t.id LIMIT $2`,
      params: [horizon],
      key: 'stream_id',
    }))
      await add(solves.map((r) => sendJob(r.stream_id, r.event_id, r.at, settings.delaySeconds)));
    type Out = {
      id: string;
      sent_event_id: string;
      remind_at: Date;
      reminded_at: Date | null;
      expires_at: Date;
    };
    for await (const out of pages<Out>({
      sql: `SELECT id, sent_event_id, remind_at, reminded_at, expires_at FROM survey_view
             WHERE status = 'sent' AND id > $1 ORDER BY id LIMIT $2`,
      key: 'id',
    }))
      await add(
        out.flatMap((r) => [
          ...(r.reminded_at ? [] : [remindJob(r.id, r.sent_event_id, new Date(r.remind_at))]),
          expireJob(r.id, r.sent_event_id, new Date(r.expires_at)),
        ]),
      );
  },
  handle: {
    async [JobName.SendSurvey]({ data, inbox, logger }: TimerJobRun<SendSurveyJobData>, { surveys }) {
      const sent = await surveys.sendForSolve(data.ticketId, data.solveEventId, inbox);
      logger.log({ ticketId: data.ticketId, surveyId: sent ?? null }, 'survey send checked');
    },
    async [JobName.SurveyReminder]({ data, inbox }: TimerJobRun<SurveyTimerJobData>, { surveys }) {
      await surveys.remind(data.surveyId, inbox);
    },
    async [JobName.ExpireSurvey]({ data, inbox }: TimerJobRun<SurveyTimerJobData>, { surveys }) {
      await surveys.expire(data.surveyId, inbox);
    },
  },
});
