import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Global, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/config';
import { DEFAULT_JOB_OPTIONS, QueueName } from './queue-names';
import { bullTelemetry } from '../tracing/tracing';
import { bullConnection } from './redis-connection';

/** Without a listener, a Queue's connection errors (Redis down) go to console.error. */
@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queue');

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(QueueName)) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (e: Error) =>
        this.logger.warn({ queue: name, err: e.message }, 'queue connection error'),
      );
    }
  }
}

/**
 * BullMQ on the configured Redis with the QUEUE_PREFIX, every queue registered with the default
 * retry/backoff. Processors (WorkerHost) are closed by Nest on shutdown: enableShutdownHooks.
 */
@Global()
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    const queues = Object.values(QueueName).map((name) => ({ name }));
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            connection: bullConnection(config.redisUrl),
            prefix: config.queuePrefix,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
            // Tracing on: queues and @Processor workers make producer/consumer spans.
            telemetry: bullTelemetry(),
          }),
        }),
        BullModule.registerQueue(...queues),
      ],
      providers: [QueueErrorLogger],
      exports: [BullModule],
    };
  }
}
