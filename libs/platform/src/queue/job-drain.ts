import { WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/**
 * Graceful shutdown of the @Processor workers: they stop taking jobs and finish the active ones
 * before anything closes the database (BeforeApplicationShutdown runs before every
 * onApplicationShutdown). @nestjs/bullmq would close them only in onApplicationShutdown, in no
 * particular order with the DataSource. Hand-built workers (webhooks, the declared timer jobs of
 * defineTimerJob) do the same in their own beforeApplicationShutdown.
 */
@Injectable()
export class JobDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobDrain.name);

  constructor(private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(): Promise<void> {
    const hosts = this.discovery
      .getProviders()
      .map((w) => w.instance as unknown)
      .filter((i): i is WorkerHost => i instanceof WorkerHost);
    await Promise.all(
      hosts.map(async (h) => {
        try {
          await h.worker.close();
        } catch (e) {
          // A host whose worker never started has nothing to drain.
          this.logger.debug({ err: (e as Error).message }, 'worker not closed');
        }
      }),
    );
  }
}
