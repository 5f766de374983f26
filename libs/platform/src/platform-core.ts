import { DynamicModule, ModuleMetadata } from '@nestjs/common';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventStoreModule } from './event-store/event-store.module';
import { LoggingModule } from './logging/logging.module';
import { PublicEventsModule } from './public-events/public-events';
import { PiiModule } from './pii/pii-vault';
import { RedisModule } from './redis/redis.module';
import { TracingModule } from './tracing/tracing.module';

/**
 * What every Kefu process stands on: validated config, JSON logging, Postgres, Redis and the event
 * store with its command pipeline. The API, the worker and the CLI each add their own on top.
 */
export function platformCore(config: AppConfig): NonNullable<ModuleMetadata['imports']> {
  const modules: Array<
    | DynamicModule
    | typeof RedisModule
    | typeof EventStoreModule
    | typeof PublicEventsModule
    | typeof PiiModule
    | typeof TracingModule
  > = [
    ConfigModule.forRoot(config),
    LoggingModule.forRoot(),
    DatabaseModule.forRoot(),
    RedisModule,
    EventStoreModule,
    PublicEventsModule,
    PiiModule,
    TracingModule,
  ];
  return modules;
}
