import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { EVENTS_APPENDED_CHANNEL, RedisService } from '../redis/redis.service';
import { CommandRunner } from './command-runner';
import { EventStore } from './event-store';
import { UpcasterRegistry } from './upcasters';
import { ProjectionRegistry } from '../projections/projection';
import { DomainMetrics } from '../metrics/domain-metrics';

/**
 * The event store, the command pipeline and the upcaster registry, for every module.
 * After each commit that appended events, a Redis nudge wakes the worker's consumers.
 */
@Global()
@Module({
  providers: [
    { provide: UpcasterRegistry, useValue: new UpcasterRegistry() },
    ProjectionRegistry,
    {
      provide: EventStore,
      // Metrics exist in the API and the worker (MetricsModule), not in the CLI.
      inject: [UpcasterRegistry, { token: DomainMetrics, optional: true }],
      useFactory: (u: UpcasterRegistry, metrics?: DomainMetrics) => {
        const store = new EventStore(u);
        store.onCommitted = metrics?.eventsCommitted;
        return store;
      },
    },
    {
      provide: CommandRunner,
      inject: [DataSource, EventStore, AppConfig, RedisService],
      useFactory: (ds: DataSource, store: EventStore, config: AppConfig, redis: RedisService) =>
        new CommandRunner(ds, store, config.idempotencyTtlHours, (events) => {
          void redis.publish(EVENTS_APPENDED_CHANNEL, events[events.length - 1].globalPosition);
        }),
    },
  ],
  exports: [UpcasterRegistry, EventStore, CommandRunner, ProjectionRegistry],
})
export class EventStoreModule {}
