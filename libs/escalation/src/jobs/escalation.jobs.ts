import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  JobName,
  JobReconciler,
  JobRequest,
  JobRoutes,
  QueueName,
  ReconcilerRegistry,
  RequestContext,
  SYSTEM_ACTOR,
  jobId,
} from '@kefu/platform';
import { TICKET_STREAM_TYPE } from '@kefu/tickets/domain/ticket.decider';
import { TIERS, Tier } from '@kefu/tickets/domain/ticket.types';
import { EscalationRouter } from '../application/escalation-router';
import { EscalationSettings } from '../application/escalation-settings';
import { EscalationTriggers } from '../application/escalation-triggers';
import {
  DrainJobData,
  EscalateJobData,
  RouteJobData,
  SLA_BREACHED_EVENT,
  drainRoute,
  routingRoute,
  triggerRoute,
} from './escalation.routes';

@Injectable()
export class EscalationRoutes implements OnModuleInit {
  constructor(
    private readonly routes: JobRoutes,
    private readonly settings: EscalationSettings,
  ) {}

  onModuleInit(): void {
    this.routes.register('escalation.triggers', triggerRoute(this.settings.reopenThreshold));
    this.routes.register('escalation.routing', routingRoute);
    this.routes.register('escalation.drain', drainRoute);
  }
}

type EscalationJob = Job<EscalateJobData | RouteJobData | DrainJobData>;

/**
 * The one processor of the escalations queue: triggers → TicketEscalated, TicketEscalated → an
 * agent or the tier's queue, and queue drains. Several jobs run at once; the tier lock and the
 * escalation stream's version keep them from assigning twice.
 */
@Processor(QueueName.Escalations, { concurrency: 8 })
export class EscalationJobsProcessor extends WorkerHost {
  constructor(
    private readonly triggers: EscalationTriggers,
    private readonly router: EscalationRouter,
    private readonly ds: DataSource,
  ) {
    super();
  }

  async process(job: EscalationJob): Promise<string | number> {
    const meta = (job.data as { meta?: { correlationId?: string } }).meta;
    return RequestContext.run(
      { correlationId: meta?.correlationId ?? job.id!, actor: SYSTEM_ACTOR },
      async () => {
        const inbox = { messageId: job.id! };
        switch (job.name as JobName) {
          case JobName.EscalateTicket:
            return this.triggers.escalate(job.data as EscalateJobData, inbox);
          case JobName.RouteEscalation:
            return this.router.route(job.data as RouteJobData, inbox);
          case JobName.DrainEscalationQueue: {
            const tier = await this.tierOf(job.data as DrainJobData);
            return tier ? this.router.drain(tier, inbox) : 0;
          }
          default:
            // One processor per queue: a job name it does not know is a wiring bug; fail visibly.
            throw new Error(`unknown job ${job.name} on ${QueueName.Escalations}`);
        }
      },
    );
  }

  private async tierOf(d: DrainJobData): Promise<Tier | undefined> {
    if (d.tier) return d.tier;
    const rows = (
      d.agentId
        ? await this.ds.query(`SELECT tier FROM agent_view WHERE id = $1`, [d.agentId])
        : await this.ds.query(
            `SELECT a.tier FROM ticket_view t JOIN agent_view a ON a.id = t.assignee_id WHERE t.id = $1`,
            [d.ticketId],
          )
    ) as Array<{ tier: Tier }>;
    return rows[0]?.tier;
  }
}

const TRIGGER_TYPES = [SLA_BREACHED_EVENT, 'TicketEscalationRequested', 'TicketReopened'];

/**
 * After Redis lost its jobs (ADR 0003): every trigger and every TicketEscalated of a ticket not yet
 * closed whose job never committed (no inbox row) gets its job back with the same id, and each
 * tier with waiting tickets gets a drain.
 */
@Injectable()
export class EscalationReconciler implements JobReconciler, OnModuleInit {
  readonly name = 'escalation';

  constructor(
    private readonly registry: ReconcilerRegistry,
    private readonly ds: DataSource,
    private readonly settings: EscalationSettings,
    @InjectQueue(QueueName.Escalations) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async reconcile(): Promise<number> {
    const rows = (await this.ds.query(
      `SELECT e.event_id, e.stream_id, e.event_type, e.data
         FROM ticket_view t
         JOIN es_events e ON e.stream_id = t.id AND e.event_type = ANY($1)
        WHERE t.status <> 'closed'
          AND NOT EXISTS (
            SELECT 1 FROM es_inbox i
             WHERE (i.handler = 'escalation.trigger' AND i.message_id = 'escalate-' || e.event_id::text)
                OR (i.handler = 'escalation.route' AND i.message_id = 'route-' || e.event_id::text))
        ORDER BY e.global_position`,
      [[...TRIGGER_TYPES, 'TicketEscalated']],
    )) as Array<{ event_id: string; stream_id: string; event_type: string; data: unknown }>;
    const triggers = triggerRoute(this.settings.reopenThreshold);
    const jobs: JobRequest[] = [];
    for (const r of rows) {
      const e = {
        streamType: TICKET_STREAM_TYPE,
        streamId: r.stream_id,
        type: r.event_type,
        data: r.data,
        eventId: r.event_id,
      };
      const job = triggers(e) ?? routingRoute(e);
      if (job) jobs.push(job);
    }
    const waiting = (await this.ds.query(`SELECT DISTINCT tier FROM escalation_queue`)) as Array<{
      tier: Tier;
    }>;
    // A new id per reconcile run, so each run drains once more (the inbox keeps the ids apart).
    const run = Date.now();
    for (const { tier } of waiting.filter((w) => TIERS.includes(w.tier))) {
      jobs.push({
        queue: QueueName.Escalations,
        name: JobName.DrainEscalationQueue,
        jobId: jobId('drain', tier, 'reconcile', run),
        data: { tier } satisfies DrainJobData,
      });
    }
    for (let i = 0; i < jobs.length; i += 500) {
      await this.queue.addBulk(
        jobs.slice(i, i + 500).map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId } })),
      );
    }
    return jobs.length;
  }
}
