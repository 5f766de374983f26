import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import {
  AppConfig,
  DEFAULT_JOB_OPTIONS,
  JobMeta,
  JobName,
  QueueName,
  bullConnection,
  jobId,
} from '@kefu/platform';

/** The backoff type of delivery jobs: the processor's strategy computes it (windowed, jittered). */
export const WEBHOOK_BACKOFF_TYPE = 'webhook-delivery';

export interface DeliverWebhookJobData {
  deliveryId: string;
  /** Which enqueueing of the delivery this job is (0 = the fan-out's; +1 per redelivery/re-enable). */
  requeue: number;
  meta?: Partial<JobMeta>;
}

export interface DeliveryJobRequest {
  deliveryId: string;
  eventId: string;
  endpointId: string;
  requeue: number;
  meta?: Partial<JobMeta>;
}

/** Deterministic, ':'-free: the fan-out's job for (event, endpoint), or its n-th re-enqueueing. */
export function deliveryJobId(eventId: string, endpointId: string, requeue: number): string {
  return requeue === 0 ? jobId('wh', eventId, endpointId) : jobId('wh', eventId, endpointId, 'r', requeue);
}

/**
 * Attempts are effectively unbounded: the retry window (WEBHOOK_RETRY_WINDOW_SECONDS since the
 * first attempt) ends a delivery, not a count. Only the last stack trace is kept per job.
 */
export const DELIVERY_JOB_OPTIONS: JobsOptions = {
  attempts: 1_000_000,
  backoff: { type: WEBHOOK_BACKOFF_TYPE },
  removeOnComplete: DEFAULT_JOB_OPTIONS.removeOnComplete,
  removeOnFail: DEFAULT_JOB_OPTIONS.removeOnFail,
  stackTraceLimit: 1,
};

/**
 * The webhooks queue, for the fan-out (worker) and redelivery/re-enabling (API). Its own Queue
 * instance, so the API needs no BullMQ module of its own.
 */
@Injectable()
export class WebhookQueue implements OnApplicationShutdown {
  readonly queue: Queue<DeliverWebhookJobData>;
  private readonly logger = new Logger(WebhookQueue.name);

  constructor(config: AppConfig) {
    this.queue = new Queue<DeliverWebhookJobData>(QueueName.Webhooks, {
      connection: bullConnection(config.redisUrl),
      prefix: config.queuePrefix,
    });
    // Without a listener BullMQ prints connection errors to the console; adding jobs still fails loudly.
    this.queue.on('error', (e: Error) =>
      this.logger.warn({ err: e.message }, 'webhooks queue connection error'),
    );
  }

  /** Returns once every job is in Redis. Known job ids are ignored by BullMQ (re-dispatch). */
  async enqueue(jobs: DeliveryJobRequest[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: JobName.DeliverWebhook,
        data: { deliveryId: j.deliveryId, requeue: j.requeue, ...(j.meta ? { meta: j.meta } : {}) },
        opts: { ...DELIVERY_JOB_OPTIONS, jobId: deliveryJobId(j.eventId, j.endpointId, j.requeue) },
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
