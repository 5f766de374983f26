import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  JobMeta,
  JobName,
  JobReconciler,
  JobRoutes,
  QueueName,
  ReconcilerRegistry,
  RequestContext,
  SYSTEM_ACTOR,
  StoredEvent,
  jobId,
} from '@kefu/platform';
import { TicketsService } from '../application/tickets.service';
import { TICKET_STREAM_TYPE } from '../domain/ticket.decider';
import { TicketStatusChangedData } from '../domain/ticket.events';

export interface AutoCloseJobData {
  ticketId: string;
  quietPeriodSeconds: number;
  meta?: JobMeta;
}

/** Each `solved` becomes a delayed job due when the quiet period ends. */
export function autoCloseRoute(quietPeriodSeconds: number) {
  return (e: StoredEvent) => {
    if (e.streamType !== TICKET_STREAM_TYPE || e.type !== 'TicketStatusChanged') return undefined;
    const d = e.data as TicketStatusChangedData;
    if (d.to !== 'solved') return undefined;
    const data: AutoCloseJobData = { ticketId: e.streamId, quietPeriodSeconds };
    return {
      queue: QueueName.Tickets,
      name: JobName.AutoCloseTicket,
      jobId: jobId('auto-close', e.eventId),
      data,
      runAt: new Date(Date.parse(d.at) + quietPeriodSeconds * 1000),
    };
  };
}

@Injectable()
export class AutoCloseRoutes implements OnModuleInit {
  constructor(
    private readonly routes: JobRoutes,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.routes.register('tickets.auto-close', autoCloseRoute(this.config.ticketAutoCloseSeconds));
  }
}

/**
 * After Redis lost its jobs: every ticket still solved gets its auto-close job back, with the id
 * and due time derived from the event that solved it (the same the dispatcher used).
 */
@Injectable()
export class AutoCloseReconciler implements JobReconciler, OnModuleInit {
  readonly name = 'tickets.auto-close';

  constructor(
    private readonly registry: ReconcilerRegistry,
    private readonly ds: DataSource,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.Tickets) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async reconcile(): Promise<number> {
    const rows = (await this.ds.query(
      `SELECT DISTINCT ON (e.stream_id) e.stream_id, e.event_id, e.data->>'at' AS at
         FROM ticket_view t
         JOIN es_events e ON e.stream_id = t.id AND e.event_type = 'TicketStatusChanged' AND e.data->>'to' = 'solved'
        WHERE t.status = 'solved'
        ORDER BY e.stream_id, e.stream_position DESC`,
    )) as Array<{ stream_id: string; event_id: string; at: string }>;
    const quiet = this.config.ticketAutoCloseSeconds;
    const now = Date.now();
    for (let i = 0; i < rows.length; i += 500) {
      await this.queue.addBulk(
        rows.slice(i, i + 500).map((r) => ({
          name: JobName.AutoCloseTicket,
          data: { ticketId: r.stream_id, quietPeriodSeconds: quiet } satisfies AutoCloseJobData,
          opts: {
            jobId: jobId('auto-close', r.event_id),
            delay: Math.max(0, Date.parse(r.at) + quiet * 1000 - now),
          },
        })),
      );
    }
    return rows.length;
  }
}

/**
 * Closes a solved ticket whose quiet period has passed. The decider re-checks the state (a reply or
 * a later solve makes it a no-op) and the inbox absorbs redeliveries.
 */
@Processor(QueueName.Tickets)
export class TicketJobsProcessor extends WorkerHost {
  private readonly logger = new Logger(TicketJobsProcessor.name);

  constructor(private readonly tickets: TicketsService) {
    super();
  }

  async process(job: Job<AutoCloseJobData>): Promise<void> {
    // One processor per queue: a job name it does not know is a wiring bug, so it fails visibly.
    if (job.name !== (JobName.AutoCloseTicket as string))
      throw new Error(`unknown job ${job.name} on ${QueueName.Tickets}`);
    const { ticketId, quietPeriodSeconds, meta } = job.data;
    await RequestContext.run(
      { correlationId: meta?.correlationId ?? job.id ?? ticketId, actor: SYSTEM_ACTOR },
      async () => {
        const r = await this.tickets.closeSolved(ticketId, quietPeriodSeconds, {
          handler: 'tickets.auto-close',
          messageId: job.id!,
        });
        this.logger.log({ ticketId, status: r.result.status }, 'auto-close checked');
      },
    );
  }
}
