import { Logger } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';

const logger = new Logger('Postgres');

/**
 * Gives each pool client an 'error' listener for its whole life. pg-pool listens only while a client
 * is idle in the pool; a client checked out but running no query (between a transaction's statements,
 * or between TypeORM's own boot queries) that Postgres cuts (a restart sends FATAL 57P01) emits
 * 'error', and an unheard 'error' event kills the process. Heard, the client is marked unusable: its
 * holder's next statement fails with a transient error and the pool drops it on release
 * (connection-errors.int-spec.ts).
 */
export function listenForConnectionErrors(client: ClientBase): void {
  client.on('error', (e: Error & { code?: string }) =>
    logger.warn({ err: e.message, code: e.code }, 'a database connection was cut; it is dropped'),
  );
}

/** One place for the Postgres connection settings. synchronize is off: migrations own the schema. */
export function typeOrmOptions(
  config: AppConfig,
  extra: Partial<Pick<DataSourceOptions, 'entities' | 'migrations'>> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migrations',
    logging: false,
    entities: [],
    ...extra,
    extra: {
      max: config.dbPoolSize,
      application_name: 'kefu',
      // Nothing in a request should hold a connection for long.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
      // pg-pool calls it once per new client, before its first checkout.
      onConnect: listenForConnectionErrors,
    },
  } as DataSourceOptions;
}
