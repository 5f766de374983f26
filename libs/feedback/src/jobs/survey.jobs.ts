import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  JobMeta,
  JobName,
  JobReconciler,
  JobRequest,
  JobRoutes,
  QueueName,
  ReconcilerRegistry,
  RequestContext,
  SYSTEM_ACTOR,
  StoredEvent,
  jobId,
} from '@kefu/platform';
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

const sendJobId = (solveEventId: string) => jobId('survey-send', solveEventId);
const remindJobId = (sentEventId: string) => jobId('survey-remind', sentEventId);
const expireJobId = (sentEventId: string) => jobId('survey-expire', sentEventId);

/**
 * Survey timers from the log: a solve → the send job after `delaySeconds`; a sent survey → its
 * reminder and expiry at the times the SurveySent event carries. `settings()` is the delay in force
 * at this point of the log: the route follows SurveySettingsUpdated events as it meets them.
 */
export function surveyRoute(settings: { current: SurveySettings }) {
  return (e: StoredEvent): JobRequest[] | undefined => {
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
      const data: SendSurveyJobData = { ticketId: e.streamId, solveEventId: e.eventId };
      return [
        {
          queue: QueueName.Surveys,
          name: JobName.SendSurvey,
          jobId: sendJobId(e.eventId),
          data,
          runAt: new Date(Date.parse(d.at) + settings.current.delaySeconds * 1000),
        },
      ];
    }
    if (e.streamType === SURVEY_STREAM_TYPE && e.type === 'SurveySent') {
      const d = e.data as SurveySentData;
      const data: SurveyTimerJobData = { surveyId: e.streamId };
      return [
        {
          queue: QueueName.Surveys,
          name: JobName.SurveyReminder,
          jobId: remindJobId(e.eventId),
          data,
          runAt: new Date(d.remindAt),
        },
        {
          queue: QueueName.Surveys,
          name: JobName.ExpireSurvey,
          jobId: expireJobId(e.eventId),
          data,
          runAt: new Date(d.expiresAt),
        },
      ];
    }
    return undefined;
  };
}

@Injectable()
export class SurveyRoutes implements OnModuleInit {
  constructor(
    private readonly routes: JobRoutes,
    private readonly surveys: SurveysService,
  ) {}

  async onModuleInit(): Promise<void> {
    const settings = { current: await this.surveys.settings() };
    this.routes.register('feedback.surveys', surveyRoute(settings));
  }
}

/**
 * After Redis lost its jobs: recent solves without their survey get the send job back, and every
 * survey still out gets its reminder (if not yet sent) and expiry, with the dispatcher's job ids.
 */
@Injectable()
export class SurveyReconciler implements JobReconciler, OnModuleInit {
  readonly name = 'feedback.surveys';

  constructor(
    private readonly registry: ReconcilerRegistry,
    private readonly ds: DataSource,
    private readonly surveys: SurveysService,
    @InjectQueue(QueueName.Surveys) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async reconcile(): Promise<number> {
    const settings = await this.surveys.settings();
    const horizon = settings.delaySeconds + settings.expiresAfterSeconds;
    const solves = (await this.ds.query(
      `SELECT s.stream_id, s.event_id, s.at FROM (
          SELECT DISTINCT ON (e.stream_id) e.stream_id, e.event_id::text AS event_id, e.data->>'at' AS at
            FROM ticket_view t
            JOIN es_events e ON e.stream_id = t.id AND e.event_type = 'TicketStatusChanged' AND e.data->>'to' = 'solved'
           WHERE t.status IN ('solved', 'closed') AND t.solved_at > now() - make_interval(secs => $1)
           ORDER BY e.stream_id, e.stream_position DESC) s
        WHERE NOT EXISTS (SELECT 1 FROM survey_view v WHERE v.solve_event_id = s.event_id)`,
      [horizon],
    )) as Array<{ stream_id: string; event_id: string; at: string }>;
    const out = (await this.ds.query(
      `SELECT id, sent_event_id, remind_at, reminded_at, expires_at FROM survey_view WHERE status = 'sent'`,
    )) as Array<{
      id: string;
      sent_event_id: string;
      remind_at: Date;
      reminded_at: Date | null;
      expires_at: Date;
    }>;
    const now = Date.now();
    const delay = (at: number) => Math.max(0, at - now);
    const jobs = [
      ...solves.map((r) => ({
        name: JobName.SendSurvey,
        data: { ticketId: r.stream_id, solveEventId: r.event_id } satisfies SendSurveyJobData,
        opts: {
          jobId: sendJobId(r.event_id),
          delay: delay(Date.parse(r.at) + settings.delaySeconds * 1000),
        },
      })),
      ...out.flatMap((r) => [
        ...(r.reminded_at
          ? []
          : [
              {
                name: JobName.SurveyReminder,
                data: { surveyId: r.id } satisfies SurveyTimerJobData,
                opts: { jobId: remindJobId(r.sent_event_id), delay: delay(new Date(r.remind_at).getTime()) },
              },
            ]),
        {
          name: JobName.ExpireSurvey,
          data: { surveyId: r.id } satisfies SurveyTimerJobData,
          opts: { jobId: expireJobId(r.sent_event_id), delay: delay(new Date(r.expires_at).getTime()) },
        },
      ]),
    ];
    for (let i = 0; i < jobs.length; i += 500) await this.queue.addBulk(jobs.slice(i, i + 500));
    return jobs.length;
  }
}

/** The surveys queue: send, remind, expire. Each re-checks the state; the inbox absorbs repeats. */
@Processor(QueueName.Surveys)
export class SurveyJobsProcessor extends WorkerHost {
  private readonly logger = new Logger(SurveyJobsProcessor.name);

  constructor(private readonly surveys: SurveysService) {
    super();
  }

  async process(job: Job<SendSurveyJobData | SurveyTimerJobData>): Promise<void> {
    const inbox = { handler: `feedback.${job.name}`, messageId: job.id! };
    await RequestContext.run(
      { correlationId: job.data.meta?.correlationId ?? job.id ?? 'survey', actor: SYSTEM_ACTOR },
      async () => {
        switch (job.name as JobName) {
          case JobName.SendSurvey: {
            const d = job.data as SendSurveyJobData;
            const sent = await this.surveys.sendForSolve(d.ticketId, d.solveEventId, inbox);
            this.logger.log({ ticketId: d.ticketId, surveyId: sent ?? null }, 'survey send checked');
            return;
          }
          case JobName.SurveyReminder: {
            const d = job.data as SurveyTimerJobData;
            await this.surveys.remind(d.surveyId, inbox);
            return;
          }
          case JobName.ExpireSurvey: {
            const d = job.data as SurveyTimerJobData;
            await this.surveys.expire(d.surveyId, inbox);
            return;
          }
          default:
            throw new Error(`unknown job ${job.name} on ${QueueName.Surveys}`);
        }
      },
    );
  }
}
