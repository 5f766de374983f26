import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import {
  AppConfig,
  DomainMetrics,
  JobName,
  QueueName,
  RequestContext,
  bullConnection,
  bullTelemetry,
} from '@kefu/platform';
import { SYSTEM, partyOf } from '@kefu/kernel';
import { WebhookDeliveryRunner } from '../application/webhook-delivery.runner';
import { jitteredDelayMs } from '../domain/backoff';
import { DeliverWebhookJobData } from '../infrastructure/webhook-queue';

/** Thrown to have BullMQ retry a delivery job after the delay the runner computed. */
export class RetryDeliveryLater extends Error {
  override readonly name = 'RetryDeliveryLater';
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(`retry in ${delayMs} ms: ${reason}`);
  }
}

/**
 * The one processor of the webhooks queue. Built by hand rather than with @Processor because its
 * options come from the config: concurrency, the lock (lockDuration = WEBHOOK_JOB_LOCK_MS, and the
 * stalled check at the same interval: a job of a worker that died comes back after about twice
 * that), and the backoff strategy, which takes the delay the runner computed (windowed, jittered).
 */
@Injectable()
export class DeliverWebhookProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliverWebhookProcessor.name);
  private worker?: Worker<DeliverWebhookJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: WebhookDeliveryRunner,
    @Optional() private readonly metrics?: DomainMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const base = { baseMs: this.config.webhookBackoffBaseMs, maxMs: this.config.webhookBackoffMaxMs };
    this.worker = new Worker<DeliverWebhookJobData>(QueueName.Webhooks, (job) => this.process(job), {
      connection: bullConnection(this.config.redisUrl),
      prefix: this.config.queuePrefix,
      telemetry: bullTelemetry(),
      concurrency: this.config.webhookConcurrency,
      lockDuration: this.config.webhookJobLockMs,
      stalledInterval: this.config.webhookJobLockMs,
      // A job is only recovered from a dead worker this many times before BullMQ fails it; the
      // delivery row stays pending and can be redelivered.
      maxStalledCount: 10,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
          err instanceof RetryDeliveryLater ? err.delayMs : jitteredDelayMs(attemptsMade, base),
      },
    });
    this.worker.on('error', (e) => this.logger.warn({ err: e.message }, 'webhook worker error'));
  }

  async process(job: Job<DeliverWebhookJobData>): Promise<string> {
    if (job.name !== (JobName.DeliverWebhook as string))
      throw new Error(`unknown job ${job.name} on ${QueueName.Webhooks}`);
    const { deliveryId, requeue, meta } = job.data;
    return RequestContext.run(
      { correlationId: meta?.correlationId ?? job.id ?? deliveryId, actor: partyOf(SYSTEM) },
      async () => {
        const outcome = await this.runner.run({
          jobId: job.id!,
          deliveryId,
          requeue: requeue ?? 0,
          createdAt: job.timestamp,
          attemptsMade: job.attemptsMade,
        });
        this.metrics?.webhookDelivery(
          outcome.kind === 'retry' ? 'retry' : outcome.result === 'gave-up' ? 'gave_up' : outcome.result,
        );
        if (outcome.kind === 'retry') throw new RetryDeliveryLater(outcome.delayMs, outcome.reason);
        return outcome.result;
      },
    );
  }

  // Before the database closes: active jobs finish first (graceful shutdown).
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
