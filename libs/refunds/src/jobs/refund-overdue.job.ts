import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import {
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
import { RefundsService } from '../application/refunds.service';
import { REFUND_STREAM_TYPE } from '../domain/refund.decider';
import { RefundProcessingStartedData } from '../domain/refund.events';

export interface RefundOverdueJobData {
  refundId: string;
  meta?: JobMeta;
}

/** Each RefundProcessingStarted becomes a delayed job due at the refund's `expectedBy`. */
export function refundOverdueRoute(e: StoredEvent) {
  if (e.streamType !== REFUND_STREAM_TYPE || e.type !== 'RefundProcessingStarted') return undefined;
  const d = e.data as RefundProcessingStartedData;
  const data: RefundOverdueJobData = { refundId: e.streamId };
  return {
    queue: QueueName.Refunds,
    name: JobName.RefundOverdue,
    jobId: jobId('refund-overdue', e.eventId),
    data,
    runAt: new Date(d.expectedBy),
  };
}

@Injectable()
export class RefundOverdueRoutes implements OnModuleInit {
  constructor(private readonly routes: JobRoutes) {}

  onModuleInit(): void {
    this.routes.register('refunds.overdue', refundOverdueRoute);
  }
}

/** After a Redis loss: every refund still processing and not yet overdue gets its timer back. */
@Injectable()
export class RefundOverdueReconciler implements JobReconciler, OnModuleInit {
  readonly name = 'refunds.overdue';

  constructor(
    private readonly registry: ReconcilerRegistry,
    private readonly ds: DataSource,
    @InjectQueue(QueueName.Refunds) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async reconcile(): Promise<number> {
    const rows = (await this.ds.query(
      `SELECT id, processing_event_id, expected_by FROM refund_view
        WHERE status = 'processing' AND NOT overdue AND processing_event_id IS NOT NULL`,
    )) as Array<{ id: string; processing_event_id: string; expected_by: Date }>;
    const now = Date.now();
    for (let i = 0; i < rows.length; i += 500) {
      await this.queue.addBulk(
        rows.slice(i, i + 500).map((r) => ({
          name: JobName.RefundOverdue,
          data: { refundId: r.id } satisfies RefundOverdueJobData,
          opts: {
            jobId: jobId('refund-overdue', r.processing_event_id),
            delay: Math.max(0, r.expected_by.getTime() - now),
          },
        })),
      );
    }
    return rows.length;
  }
}

/** Opens the follow-up of a refund not settled in time; a no-op once settled or already followed up. */
@Processor(QueueName.Refunds)
export class RefundJobsProcessor extends WorkerHost {
  private readonly logger = new Logger(RefundJobsProcessor.name);

  constructor(private readonly refunds: RefundsService) {
    super();
  }

  async process(job: Job<RefundOverdueJobData>): Promise<void> {
    if (job.name !== (JobName.RefundOverdue as string))
      throw new Error(`unknown job ${job.name} on ${QueueName.Refunds}`);
    const { refundId, meta } = job.data;
    await RequestContext.run(
      { correlationId: meta?.correlationId ?? job.id ?? refundId, actor: SYSTEM_ACTOR },
      async () => {
        const acted = await this.refunds.handleOverdue(refundId, {
          handler: 'refunds.overdue',
          messageId: job.id!,
        });
        this.logger.log({ refundId, followUpOpened: acted }, 'refund overdue checked');
      },
    );
  }
}
