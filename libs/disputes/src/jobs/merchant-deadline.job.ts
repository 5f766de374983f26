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
import { DisputesService } from '../application/disputes.service';
import { DISPUTE_STREAM_TYPE } from '../domain/dispute.decider';
import { DisputeStatusChangedData } from '../domain/dispute.events';

export interface MerchantDeadlineJobData {
  disputeId: string;
  meta?: JobMeta;
}

/** Entering awaiting_merchant becomes a delayed job due at the merchant's deadline. */
export function merchantDeadlineRoute(e: StoredEvent) {
  if (e.streamType !== DISPUTE_STREAM_TYPE || e.type !== 'DisputeStatusChanged') return undefined;
  const d = e.data as DisputeStatusChangedData;
  if (d.to !== 'awaiting_merchant' || !d.merchantResponseDueAt) return undefined;
  const data: MerchantDeadlineJobData = { disputeId: e.streamId };
  return {
    queue: QueueName.Disputes,
    name: JobName.DisputeMerchantDeadline,
    jobId: jobId('dispute-merchant-deadline', e.eventId),
    data,
    runAt: new Date(d.merchantResponseDueAt),
  };
}

@Injectable()
export class MerchantDeadlineRoutes implements OnModuleInit {
  constructor(private readonly routes: JobRoutes) {}

  onModuleInit(): void {
    this.routes.register('disputes.merchant-deadline', merchantDeadlineRoute);
  }
}

/** After a Redis loss: every dispute still awaiting the merchant gets its deadline job back. */
@Injectable()
export class MerchantDeadlineReconciler implements JobReconciler, OnModuleInit {
  readonly name = 'disputes.merchant-deadline';

  constructor(
    private readonly registry: ReconcilerRegistry,
    private readonly ds: DataSource,
    @InjectQueue(QueueName.Disputes) private readonly queue: Queue,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async reconcile(): Promise<number> {
    const rows = (await this.ds.query(
      `SELECT DISTINCT ON (e.stream_id) e.stream_id, e.event_id, e.data->>'merchantResponseDueAt' AS due
         FROM dispute_view d
         JOIN es_events e ON e.stream_id = d.id::text AND e.event_type = 'DisputeStatusChanged'
                         AND e.data->>'to' = 'awaiting_merchant'
        WHERE d.status = 'awaiting_merchant'
        ORDER BY e.stream_id, e.stream_position DESC`,
    )) as Array<{ stream_id: string; event_id: string; due: string }>;
    const now = Date.now();
    for (let i = 0; i < rows.length; i += 500) {
      await this.queue.addBulk(
        rows.slice(i, i + 500).map((r) => ({
          name: JobName.DisputeMerchantDeadline,
          data: { disputeId: r.stream_id } satisfies MerchantDeadlineJobData,
          opts: {
            jobId: jobId('dispute-merchant-deadline', r.event_id),
            delay: Math.max(0, Date.parse(r.due) - now),
          },
        })),
      );
    }
    return rows.length;
  }
}

@Processor(QueueName.Disputes)
export class DisputeJobsProcessor extends WorkerHost {
  private readonly logger = new Logger(DisputeJobsProcessor.name);

  constructor(private readonly disputes: DisputesService) {
    super();
  }

  async process(job: Job<MerchantDeadlineJobData>): Promise<void> {
    if (job.name !== (JobName.DisputeMerchantDeadline as string))
      throw new Error(`unknown job ${job.name} on ${QueueName.Disputes}`);
    const { disputeId, meta } = job.data;
    await RequestContext.run(
      { correlationId: meta?.correlationId ?? job.id ?? disputeId, actor: SYSTEM_ACTOR },
      async () => {
        const moved = await this.disputes.merchantDeadline(disputeId, {
          handler: 'disputes.merchant-deadline',
          messageId: job.id!,
        });
        this.logger.log({ disputeId, movedToReview: moved }, 'merchant deadline checked');
      },
    );
  }
}
