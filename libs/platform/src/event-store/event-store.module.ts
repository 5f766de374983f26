import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { EVENTS_APPENDED_CHANNEL, RedisService } from '../redis/redis.service';
import { Clock, SystemClock } from '../clock/clock';
import { CommandRunner } from './command-runner';
import { EventStore } from './event-store';
import { UpcasterRegistry } from './upcasters';
import { ProjectionRegistry } from '../projections/projection';
import { DomainMetrics } from '../metrics/domain-metrics';

/**
 * The event store, the command pipeline, its clock and the upcaster registry, for every module.
 * After each commit that appended events, a Redis nudge wakes the worker's consumers.
 */
/**
 * At most one nudge in flight: commits during it are covered by one more nudge sent when it is done
 * (sent after they committed, so it wakes the consumers for them too). Under load that is one Redis
 * write per round trip to Redis instead of one per command; alone, every commit still nudges at once.
 */
export function coalescedNudge(publish: (position: string) => Promise<void>): (position: string) => void {
  let inFlight = false;
  let pending: string | undefined;
  const send = (position: string): void => {
    inFlight = true;
    void publish(position).finally(() => {
      inFlight = false;
      const next = pending;
      pending = undefined;
      if (next !== undefined) send(next);
    });
  };
  return (position) => {
    if (inFlight) pending = position;
    else send(position);
  };
}

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
    // Tests fix time with .overrideProvider(Clock).useValue(new FixedClock(…)).
    { provide: Clock, useClass: SystemClock },
    {
      provide: CommandRunner,
      inject: [DataSource, EventStore, AppConfig, RedisService, Clock],
      useFactory: (
        ds: DataSource,
        store: EventStore,
        config: AppConfig,
        redis: RedisService,
        clock: Clock,
      ) => {
        const nudge = coalescedNudge((position) => redis.publish(EVENTS_APPENDED_CHANNEL, position));
        return new CommandRunner(ds, store, {
          idempotencyTtlHours: config.idempotencyTtlHours,
          onCommitted: (events) => nudge(events[events.length - 1].globalPosition),
          clock,
        });
      },
    },
  ],
  exports: [UpcasterRegistry, EventStore, CommandRunner, ProjectionRegistry, Clock],
})
export class EventStoreModule {}
