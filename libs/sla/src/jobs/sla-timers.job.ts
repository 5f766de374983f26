import { InjectQueue } from '@nestjs/bullmq';
import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { DelayedError, Job, Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  AppConfig,
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
  bullConnection,
  bullTelemetry,
  inTransaction,
  jobId,
  processOnce,
} from '@kefu/platform';
import {
  SlaRecalcReason,
  SlaTargetName,
  SlaTargetResumedData,
  SlaTargetStartedData,
  SlaTargetRecalculatedData,
  TICKET_STREAM_TYPE,
  TicketSlaView,
  TicketsService,
  slaTargetOf,
} from '@kefu/tickets';
import { BUSINESS_CALENDAR_STREAM_TYPE, SLA_POLICY_STREAM_TYPE } from '../domain/sla-config';

export interface SlaTimerJobData {
  ticketId: string;
  target: SlaTargetName;
  revision: number;
  meta?: JobMeta;
}

export interface SlaRecomputeJobData {
  reason: SlaRecalcReason;
  meta?: JobMeta;
}

/** Ids from ticket + target + deadline revision: a moved deadline is a new job, a repeat is not. */
export const deadlineJobId = (ticketId: string, target: SlaTargetName, revision: number) =>
  jobId('sla', ticketId, target, revision);
export const warningJobId = (ticketId: string, target: SlaTargetName, revision: number) =>
  jobId('sla-warn', ticketId, target, revision);
const RECOMPUTE_HANDLER = 'sla.recompute';

type Timer = {
  ticketId: string;
  target: SlaTargetName;
  revision: number;
  dueAt: string;
  warnAt: string | null;
};

function timerJobs(t: Timer): JobRequest[] {
  const data = (): SlaTimerJobData => ({ ticketId: t.ticketId, target: t.target, revision: t.revision });
  const jobs: JobRequest[] = [
    {
      queue: QueueName.SlaTimers,
      name: JobName.SlaDeadline,
      jobId: deadlineJobId(t.ticketId, t.target, t.revision),
      data: data(),
      runAt: new Date(t.dueAt),
    },
  ];
  if (t.warnAt && Date.parse(t.warnAt) < Date.parse(t.dueAt))
    jobs.push({
      queue: QueueName.SlaTimers,
      name: JobName.SlaWarning,
      jobId: warningJobId(t.ticketId, t.target, t.revision),
      data: data(),
      runAt: new Date(t.warnAt),
    });
  return jobs;
}

/** Started, resumed and recalculated targets become a deadline job (and a warning job). */
export function slaTimerRoute(e: StoredEvent): JobRequest[] | undefined {
  if (e.streamType === TICKET_STREAM_TYPE) {
    if (e.type !== 'SlaTargetStarted' && e.type !== 'SlaTargetResumed' && e.type !== 'SlaTargetRecalculated')
      return undefined;
    const d = e.data as SlaTargetStartedData | SlaTargetResumedData | SlaTargetRecalculatedData;
    if (!d.dueAt) return undefined; // recalculated while paused: the resume schedules it
    return timerJobs({
      ticketId: e.streamId,
      target: d.target,
      revision: d.revision,
      dueAt: d.dueAt,
      warnAt: d.warnAt,
    });
  }
  if (e.type === 'SlaPolicyUpserted' || e.type === 'BusinessCalendarUpserted') {
    const reason: SlaRecalcReason = e.type === 'SlaPolicyUpserted' ? 'policy_changed' : 'calendar_changed';
    return [
      {
        queue: QueueName.SlaTimers,
        name: JobName.SlaRecompute,
        jobId: jobId('sla-recompute', e.eventId),
        data: { reason } satisfies SlaRecomputeJobData,
      },
    ];
  }
  return undefined;
}

@Injectable()
export class SlaTimerRoutes implements OnModuleInit {
  constructor(private readonly routes: JobRoutes) {}

  onModuleInit(): void {
    this.routes.register('sla.timers', slaTimerRoute);
  }
}

const TARGET_FIELDS: SlaTargetName[] = ['first_response', 'next_response', 'resolution'];

/**
 * After Redis lost its jobs: every running target in the read model gets its deadline and warning
 * jobs back (same ids, so nothing runs twice; a deadline already past fires at once), and every
 * policy or calendar change whose recompute never finished gets its recompute job back.
 */
@Injectable()
export class SlaTimerReconciler implements JobReconciler, OnModuleInit {
  readonly name = 'sla.timers';

  constructor(
    private readonly registry: ReconcilerRegistry,
    private readonly ds: DataSource,
    @InjectQueue(QueueName.SlaTimers) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async reconcile(): Promise<number> {
    const jobs: JobRequest[] = [];
    let after = '';
    // Keyset pages over the tickets with a running deadline (next_sla_due_at is indexed).
    for (;;) {
      const rows = (await this.ds.query(
        `SELECT id, sla FROM ticket_view WHERE next_sla_due_at <> 'infinity' AND id > $1 ORDER BY id LIMIT 2000`,
        [after],
      )) as Array<{ id: string; sla: TicketSlaView }>;
      for (const r of rows) {
        for (const name of TARGET_FIELDS) {
          const t = slaTargetOf(r.sla, name);
          if (t?.status !== 'active' || !t.dueAt || t.revision === undefined) continue;
          jobs.push(
            ...timerJobs({
              ticketId: r.id,
              target: name,
              revision: t.revision,
              dueAt: t.dueAt,
              warnAt: t.warnAt ?? null,
            }),
          );
        }
      }
      if (rows.length < 2000) break;
      after = rows[rows.length - 1].id;
    }
    const pending = (await this.ds.query(
      `SELECT e.event_id, e.event_type FROM es_events e
        WHERE e.stream_type = ANY($1) AND NOT EXISTS (
          SELECT 1 FROM es_inbox i WHERE i.handler = $2 AND i.message_id = 'sla-recompute-' || e.event_id::text)`,
      [[SLA_POLICY_STREAM_TYPE, BUSINESS_CALENDAR_STREAM_TYPE], RECOMPUTE_HANDLER],
    )) as Array<{ event_id: string; event_type: string }>;
    for (const p of pending) {
      jobs.push({
        queue: QueueName.SlaTimers,
        name: JobName.SlaRecompute,
        jobId: jobId('sla-recompute', p.event_id),
        data: { reason: p.event_type === 'SlaPolicyUpserted' ? 'policy_changed' : 'calendar_changed' },
      });
    }
    const now = Date.now();
    for (let i = 0; i < jobs.length; i += 500) {
      await this.queue.addBulk(
        jobs.slice(i, i + 500).map((j) => ({
          name: j.name,
          data: j.data,
          opts: { jobId: j.jobId, delay: j.runAt ? Math.max(0, j.runAt.getTime() - now) : undefined },
        })),
      );
    }
    return jobs.length;
  }
}

/**
 * The one processor of the SLA timers queue (built by hand: its concurrency comes from the config).
 * A deadline or warning job runs CheckSla on its ticket: the decider breaches or warns only what is
 * due under the current revision, so a stale or repeated job changes nothing. A recompute job runs
 * RecalculateSla over every ticket not yet closed, then records itself done.
 */
@Injectable()
export class SlaTimersProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SlaTimersProcessor.name);
  private worker?: Worker;

  constructor(
    private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    private readonly ds: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker(QueueName.SlaTimers, (job, token) => this.process(job, token), {
      connection: bullConnection(this.config.redisUrl),
      prefix: this.config.queuePrefix,
      telemetry: bullTelemetry(),
      concurrency: this.config.slaTimerConcurrency,
    });
    this.worker.on('error', (e) => this.logger.warn({ err: e.message }, 'sla timer worker error'));
  }

  // Before the database closes: active jobs finish first (graceful shutdown).
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job, token?: string): Promise<void> {
    const meta = (job.data as { meta?: JobMeta }).meta;
    await RequestContext.run(
      { correlationId: meta?.correlationId ?? job.id ?? 'sla', actor: SYSTEM_ACTOR },
      async () => {
        switch (job.name as JobName) {
          case JobName.SlaDeadline:
          case JobName.SlaWarning:
            return this.check(job as Job<SlaTimerJobData>, token);
          case JobName.SlaRecompute:
            return this.recompute(job as Job<SlaRecomputeJobData>);
          default:
            throw new Error(`unknown job ${job.name} on ${QueueName.SlaTimers}`);
        }
      },
    );
  }

  private async check(job: Job<SlaTimerJobData>, token?: string): Promise<void> {
    const { ticketId, target, revision } = job.data;
    const r = await this.tickets.checkSla(ticketId, { target, revision });
    const t = slaTargetOf(r.result.sla, target);
    const due = job.name === (JobName.SlaDeadline as string) ? t?.dueAt : t?.warnAt;
    // Fired early (clocks of two hosts): back to delayed until it is due, never dropped.
    if (t?.status === 'active' && t.revision === revision && due && Date.parse(due) > Date.now() && token) {
      await job.moveToDelayed(Date.parse(due), token);
      throw new DelayedError();
    }
  }

  private async recompute(job: Job<SlaRecomputeJobData>): Promise<void> {
    let after = '';
    let n = 0;
    for (;;) {
      const rows = (await this.ds.query(
        `SELECT id FROM ticket_view WHERE status <> 'closed' AND id > $1 ORDER BY id LIMIT 500`,
        [after],
      )) as Array<{ id: string }>;
      for (const { id } of rows) {
        await this.tickets.recalculateSla(id, job.data.reason);
        n++;
      }
      if (rows.length < 500) break;
      after = rows[rows.length - 1].id;
    }
    await inTransaction(this.ds, (tx) =>
      processOnce(tx, RECOMPUTE_HANDLER, job.id!, () => Promise.resolve()),
    );
    this.logger.log({ tickets: n, reason: job.data.reason }, 'SLA due times recomputed');
  }
}
