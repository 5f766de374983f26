import { getQueueToken } from '@nestjs/bullmq';
import { Global, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { ConsumerRegistry, ConsumersHost } from './consumers';
import { JobDispatcher, JobRoutes } from './job-dispatcher';
import { QueueName } from './queue-names';
import { ReconcilerRegistry } from './reconcilers';

/** The registry of consumers and job routes. Imported by both apps; only the worker adds the host. */
@Global()
@Module({
  providers: [ConsumerRegistry, JobRoutes, ReconcilerRegistry],
  exports: [ConsumerRegistry, JobRoutes, ReconcilerRegistry],
})
export class ConsumersModule {}

/** Worker only: runs the consumers, including the job dispatcher. */
@Module({ providers: [ConsumersHost], exports: [ConsumersHost] })
export class ConsumersHostModule implements OnModuleInit {
  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly routes: JobRoutes,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    this.registry.register(
      new JobDispatcher(this.routes, (name: QueueName) =>
        this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
      ),
    );
  }
}
