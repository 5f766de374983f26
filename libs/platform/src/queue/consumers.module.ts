import { getQueueToken } from '@nestjs/bullmq';
import { Global, Module, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { ConsumerRegistry, ConsumersHost } from './consumers';
import { JobDispatcher, JobRoutes } from './job-dispatcher';
import { JobDrain } from './job-drain';
import { QueueName } from './queue-names';
import { ReconcilerRegistry } from './reconcilers';
import { WorkerMetrics } from '../metrics/worker-metrics';

/** The registry of consumers and job routes. Imported by both apps; only the worker adds the host. */
@Global()
@Module({
  providers: [ConsumerRegistry, JobRoutes, ReconcilerRegistry],
  exports: [ConsumerRegistry, JobRoutes, ReconcilerRegistry],
})
export class ConsumersModule {}

/** Worker only: runs the consumers, including the job dispatcher, and drains jobs on shutdown. */
@Module({ imports: [DiscoveryModule], providers: [ConsumersHost, JobDrain], exports: [ConsumersHost] })
export class ConsumersHostModule implements OnModuleInit {
  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly routes: JobRoutes,
    private readonly moduleRef: ModuleRef,
    @Optional() private readonly metrics?: WorkerMetrics,
  ) {}

  onModuleInit(): void {
    const lag = this.metrics?.dispatcherLag;
    this.registry.register(
      new JobDispatcher(
        this.routes,
        (name: QueueName) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }),
        undefined,
        lag ? (seconds) => lag.observe(seconds) : undefined,
      ),
    );
  }
}
